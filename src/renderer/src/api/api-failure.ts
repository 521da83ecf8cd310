/** Every failed server call becomes an ApiFailure: a stable `error` code and a `message` for people. */
import { AxiosHeaders, isAxiosError } from 'axios';
import { ApiError } from '../../../shared/api';

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

export const badResponse = () => new ApiFailure(0, ClientErrorCode.badResponse, BAD_RESPONSE_MESSAGE);

function retryAfterHeader(value: unknown): number | undefined {
  const seconds = typeof value === 'string' ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** Turns anything a call threw into an ApiFailure, never leaking a stack trace or raw body to the user. */
export function toApiFailure(thrown: unknown): ApiFailure {
  if (thrown instanceof ApiFailure) return thrown;
  if (!isAxiosError(thrown)) {
    return new ApiFailure(0, ClientErrorCode.unexpected, 'Something went wrong. Please try again.');
  }
  const response = thrown.response;
  if (!response) return new ApiFailure(0, ClientErrorCode.network, NETWORK_MESSAGE);
  const parsed = ApiError.safeParse(response.data);
  // Header names keep their case in some fetch implementations; AxiosHeaders.get ignores case.
  const { headers } = response;
  const headerRetry = retryAfterHeader(
    headers instanceof AxiosHeaders ? headers.get('retry-after') : undefined,
  );
  if (!parsed.success) {
    return new ApiFailure(
      response.status,
      ClientErrorCode.badResponse,
      `The sign-in server could not answer (HTTP ${response.status}). Please try again.`,
      undefined,
      headerRetry,
    );
  }
  const { error, message, attemptsRemaining, retryAfter } = parsed.data;
  return new ApiFailure(response.status, error, message, attemptsRemaining, retryAfter ?? headerRetry);
}
