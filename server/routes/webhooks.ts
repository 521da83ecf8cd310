/**
 * Providers reporting back. Twilio posts each text's status to the StatusCallback URL it was given
 * (TWILIO_STATUS_CALLBACK_URL plus `?outbox=<id>`), form-encoded and signed with X-Twilio-Signature. The
 * signature is checked against that configured URL, never the URL as it reached us: behind a proxy the two
 * differ, and the configured one is what Twilio signed.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorCode } from '../../src/shared/api';
import type { TwilioConfig } from '../config';
import { statusCallbackFor } from '../delivery/twilio';
import { validTwilioSignature } from '../delivery/twilio-signature';
import { AppError } from '../errors';
import type { Services } from '../services';
import { requestContext } from './context';
import { routePreamble } from './preamble';

const FORM_LIMIT_BYTES = 16 * 1024;

const TwilioStatusQuery = z.object({ outbox: z.string().min(1).max(64) });

/** The fields we read; Twilio sends more, and every one of them is part of what it signed. */
const TwilioStatusForm = z.looseObject({
  AccountSid: z.string().max(64),
  MessageSid: z.string().min(1).max(64),
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z.string().max(16).optional(),
});

export function webhookRoutes(services: Services, twilio: TwilioConfig | undefined): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(routePreamble);
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );

    app.post(
      '/webhooks/twilio/status',
      {
        schema: {
          summary: "Twilio's delivery report for one text (StatusCallback), signed with X-Twilio-Signature",
          tags: ['delivery'],
          consumes: ['application/x-www-form-urlencoded'],
          querystring: TwilioStatusQuery,
          body: TwilioStatusForm,
          response: { 204: z.null().describe('Taken') },
        },
      },
      async (request, reply) => {
        const callbackUrl = twilio?.statusCallbackUrl;
        if (!twilio || !callbackUrl) {
          throw new AppError(404, ErrorCode.notFound, 'Twilio status callbacks are not configured here.');
        }
        const signature = request.headers['x-twilio-signature'];
        const params = stringParams(request.body);
        const signedUrl = statusCallbackFor(callbackUrl, request.query.outbox);
        if (
          !validTwilioSignature(
            twilio.authToken,
            signedUrl,
            params,
            typeof signature === 'string' ? signature : undefined,
          ) ||
          request.body.AccountSid !== twilio.accountSid
        ) {
          throw new AppError(403, ErrorCode.forbidden, 'The request signature does not match.');
        }
        await services.delivery.applyTwilioStatus(
          request.query.outbox,
          {
            messageSid: request.body.MessageSid,
            messageStatus: request.body.MessageStatus,
            errorCode: request.body.ErrorCode,
          },
          requestContext(request),
        );
        // Stale or unknown news is still answered 204: Twilio would only retry it.
        return reply.code(204).send(null);
      },
    );
  };
}

/** The form's fields as Twilio sent them; a JSON body could hold non-strings, which no signature covers. */
function stringParams(body: Record<string, unknown>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw new AppError(400, ErrorCode.badRequest, `${key} must be text.`);
    params[key] = value;
  }
  return params;
}
