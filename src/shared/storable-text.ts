/**
 * Text a store can keep. Apart from validation.ts (which builds zod schemas) so that the PostgreSQL
 * store, which checks ids before it writes them, does not load zod.
 */

/** NUL or a lone surrogate: text that databases cannot store as it is (PostgreSQL refuses NUL). */
// eslint-disable-next-line no-control-regex -- NUL is the character this pattern exists to find
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a store can keep `text` as it is: no NUL, no lone surrogate. */
export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text);
