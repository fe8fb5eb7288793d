import type { StateName } from '../state.js';

/** The states commands are allowed in (RFC 3501 §6: "any state", "authenticated state", "selected state"). */
export const ANY_STATE: readonly StateName[] = ['not-authenticated', 'authenticated', 'selected'];
export const NOT_AUTHENTICATED: readonly StateName[] = ['not-authenticated'];
export const AUTHENTICATED: readonly StateName[] = ['authenticated', 'selected'];
export const SELECTED: readonly StateName[] = ['selected'];
