import type { DeliveryState } from '../delivery/delivery-view';
import { CallbacksError } from './callbacks-error';

/** An operation the delivery's state does not allow, e.g. redelivering one that is not dead. */
export class DeliveryStateError extends CallbacksError {
  readonly editId: string;
  readonly state: DeliveryState;

  constructor(editId: string, state: DeliveryState, wanted: string) {
    super(`edit ${editId}: the callback delivery is ${state}; ${wanted}`);
    this.editId = editId;
    this.state = state;
  }
}
