import { CallbacksError } from './callbacks-error';

/** The structured form of a {@link CallbackInputError}, as an API answer would carry it. */
export interface CallbackInputIssue {
  /** Which input broke the rule, as a dotted path: `callback.url`, `editId`, `secrets[1]`. */
  field: string;
  /** A stable name of the rule, for programs: `https`, `public-address`, `whsec-prefix`... */
  rule: string;
  message: string;
}

/** Input or configuration that breaks a rule; nothing was sent or stored. */
export class CallbackInputError extends CallbacksError implements CallbackInputIssue {
  readonly field: string;
  readonly rule: string;

  constructor(field: string, rule: string, message: string) {
    super(message);
    this.field = field;
    this.rule = rule;
  }

  toJSON(): CallbackInputIssue {
    return { field: this.field, rule: this.rule, message: this.message };
  }
}
