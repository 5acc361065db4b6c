import { AppError } from '../errors.ts';

/** An outgoing text message. `to` (E.164) and `body` are personal data: never logged, never audited. */
export interface SmsMessage {
  readonly to: string;
  readonly body: string;
}

/** Sends text messages. */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/** Where and how the generic HTTP gateway is reached. */
export interface HttpSmsGatewayOptions {
  readonly url: string;
  readonly sender: string;
  readonly token: string | null;
  readonly timeoutMs: number;
}

/**
 * A generic HTTP SMS gateway: `POST <url>` with the JSON `{ "to": "+447700900123", "from": "<sender>", "body": "…" }`
 * and `Authorization: Bearer <token>`; any 2xx answer means accepted. No redirect is followed (the token must not
 * travel elsewhere). Failures throw `SMS_SEND_FAILED` with a reason class only (`timeout`, `network`, `status_503`):
 * a gateway's answer may quote the number, so its body is never read into an error.
 *
 * @example
 * const gateway = createHttpSmsGateway({ url: 'https://sms.example.com/send', sender: 'Acme', token: 'tok', timeoutMs: 10_000 });
 * await gateway.send({ to: '+447700900123', body: 'Your code: 123456' });
 */
export function createHttpSmsGateway(options: HttpSmsGatewayOptions): SmsSender {
  return {
    async send(message) {
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          },
          body: JSON.stringify({ to: message.to, from: options.sender, body: message.body }),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        const name = (error as { name?: unknown }).name;
        throw new AppError('SMS_SEND_FAILED', { reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network' });
      }
      // The body is drained, never read into anything that could be logged.
      await response.body?.cancel().catch(() => undefined);
      if (response.status < 200 || response.status > 299) throw new AppError('SMS_SEND_FAILED', { reason: `status_${response.status}` });
    },
  };
}
