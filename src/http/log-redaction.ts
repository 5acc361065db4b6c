/**
 * pino redaction paths: credentials and anything that may be personal data never reach a log line.
 * Request bodies are not logged at all; these guard the objects that are (headers, errors, our own log calls).
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.email',
  '*.phone',
  '*.firstName',
  '*.lastName',
  '*.name',
  '*.token',
  '*.code',
  'email',
  'password',
  'token',
];
