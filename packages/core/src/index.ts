export { coerceError } from './coerce-error';
