// The AWS SDK commands the CLI sends itself (core sends the rest), for handlers to import
// dynamically from here. A dynamic import of an SDK package's root would make the whole
// package a chunk of its own, loaded by every command that touches the SDK.
export { GetItemCommand } from '@aws-sdk/client-dynamodb';
