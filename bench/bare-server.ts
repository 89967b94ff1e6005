/** The baseline: an express route that only reads the body and answers 202. */
import express from 'express';

const app = express();
app.post('/webhooks/zendesk', express.raw({ type: () => true, limit: 1024 * 1024 }), (req, res) => {
  res.status(202).json({ status: 'accepted', bytes: (req.body as Buffer).length });
});
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
});
server.keepAliveTimeout = 5000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
