/** Errors as values a user can act on: a status, a stable snake_case code and a human message. */
import { type ApiError, ErrorCode } from '../src/shared/api';

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Pick<ApiError, 'attemptsRemaining' | 'retryAfter'> = {},
  ) {
    super(message);
  }

  toBody(): ApiError {
    return { error: this.code, message: this.message, ...this.extra };
  }
}

export const invalidCredentials = () =>
  new AppError(401, ErrorCode.invalidCredentials, 'The User ID or password is incorrect.');

export const unauthorized = () =>
  new AppError(401, ErrorCode.unauthorized, 'Your session has ended. Please sign in again.');

export const rateLimited = (retryAfter: number, message: string) =>
  new AppError(429, ErrorCode.rateLimited, message, { retryAfter });

export const challengeExpired = () =>
  new AppError(
    410,
    ErrorCode.challengeExpired,
    'This sign-in has expired or was already used. Please sign in again.',
  );

/** A wrong code, saying how many tries are left, or what to do when none are ("Please sign in again."). */
export const wrongCode = (attemptsRemaining: number, whenNoneLeft: string) =>
  new AppError(
    400,
    ErrorCode.invalidCode,
    attemptsRemaining > 0
      ? `That code is not right. ${attemptsRemaining} ${attemptsRemaining === 1 ? 'attempt' : 'attempts'} left.`
      : `That code is not right, and no attempts are left. ${whenNoneLeft}`,
    { attemptsRemaining },
  );

/** Every attempt of a flow is spent; `whatNow` says how to start over (a sign-in's words by default). */
export const tooManyAttempts = (whatNow = 'Please sign in again to get a new code.') =>
  new AppError(429, ErrorCode.tooManyAttempts, `Too many wrong codes. ${whatNow}`);

/** A code that is not of the shape asked for: a typo, not a guess, so it costs no attempt. */
export const malformedCode = (attemptsRemaining: number, asked = 'the 6 digits of your verification code') =>
  new AppError(400, ErrorCode.invalidCode, `Enter ${asked}.`, { attemptsRemaining });

/** A sent code past its lifetime; the flow itself may still be live. */
export const codeExpired = () =>
  new AppError(400, ErrorCode.codeExpired, 'This code has expired. Request another code.');

export const serverBusy = () =>
  new AppError(503, ErrorCode.serverBusy, 'The server is busy. Please try again in a moment.', {
    retryAfter: 1,
  });
