/** DynamoDB's documented transaction limits. */
export const MAX_TRANSACTION_ITEMS = 100;
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
/** How long a ClientRequestToken makes a TransactWriteItems call idempotent. */
export const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;
export const SAME_ITEM_MESSAGE =
  'Transaction request cannot include multiple operations on one item';
