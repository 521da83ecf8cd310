/**
 * Every failed server call becomes an ApiFailure: a stable `error` code and a `message` for people. This
 * module stays free of axios and zod, which screens would otherwise load just to read a failure.
 */

/** Codes the client itself produces, next to the server's `ErrorCode`s. */
export const ClientErrorCode = {
  network: 'network_error',
  badResponse: 'bad_response',
  unexpected: 'unexpected_error',
} as const;

export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';

  constructor(
    /** The HTTP status, or 0 when no answer arrived. */
    readonly status: number,
    readonly error: string,
    message: string,
    readonly attemptsRemaining?: number,
    /** Seconds to wait before trying again. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

const NETWORK_MESSAGE =
  'Cannot reach the sign-in server. Check the network connection and try again, or ask your IT department.';
const BAD_RESPONSE_MESSAGE =
  'The sign-in server answered in a way this client does not understand. Ask your IT department to check that the client and server versions match.';

export const networkFailure = () => new ApiFailure(0, ClientErrorCode.network, NETWORK_MESSAGE);
export const badResponse = () => new ApiFailure(0, ClientErrorCode.badResponse, BAD_RESPONSE_MESSAGE);
export const unexpectedFailure = () =>
  new ApiFailure(0, ClientErrorCode.unexpected, 'Something went wrong. Please try again.');
