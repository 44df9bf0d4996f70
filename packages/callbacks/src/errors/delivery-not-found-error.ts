import { CallbacksError } from './callbacks-error';

/** No delivery is recorded for the edit (never enqueued, or its record expired). */
export class DeliveryNotFoundError extends CallbacksError {
  readonly editId: string;

  constructor(editId: string, detail = 'no callback delivery is recorded for it') {
    super(`edit ${editId}: ${detail}`);
    this.editId = editId;
  }
}
