/** The rewrite acknowledgement file lives with the git trust checks (src/git/rewrite-ack.ts). */
export { parseRewriteAck, renderRewriteAck, type RewriteAck } from '../git/rewrite-ack.js';
