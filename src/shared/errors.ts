/**
 * The closed catalogue of error codes. The server maps each to an RFC 9457 problem; the
 * dashboard imports this same file and switches on `code`, never on text.
 */
export const errorCatalog = {
  'request.invalid': { status: 400, title: 'The request is invalid' },
  'request.malformed_json': { status: 400, title: 'The request body is not valid JSON' },
  'request.confirmation_required': { status: 400, title: 'This action needs an explicit confirmation' },
  'request.key_in_query': { status: 400, title: 'Credentials must not be sent in the URL' },
  'request.malformed': { status: 400, title: 'The request is not valid HTTP' },
  'request.malformed_url': { status: 400, title: 'The URL is malformed' },
  'request.timeout': { status: 408, title: 'The request took too long to arrive' },
  'request.body_too_large': { status: 413, title: 'The request body is too large' },
  'request.uri_too_long': { status: 414, title: 'The URL is too long' },
  'request.headers_too_large': { status: 431, title: 'The request headers are too large' },
  'request.unsupported_media_type': { status: 415, title: 'The content type is not supported' },
  'request.not_found': { status: 404, title: 'No such route' },
  'request.method_not_allowed': { status: 405, title: 'The method is not allowed on this route' },
  'request.rate_limited': { status: 429, title: 'Too many requests' },
  'auth.required': { status: 401, title: 'Authentication is required' },
  'auth.invalid_credentials': { status: 401, title: 'The credentials are not valid' },
  'auth.step_up_required': { status: 401, title: 'A fresh second factor is required' },
  'auth.second_factor_required': { status: 401, title: 'The second factor is still missing' },
  'auth.invalid_code': { status: 401, title: 'The code is not valid' },
  'auth.challenge_expired': { status: 401, title: 'This sign-in has ended; sign in again with your password' },
  'auth.locked': { status: 429, title: 'Too many failed attempts; try again later' },
  'auth.csrf': { status: 403, title: 'The CSRF token is missing or wrong' },
  'auth.api_key_revoked': { status: 401, title: 'The API key was revoked' },
  'auth.api_key_expired': { status: 401, title: 'The API key has expired' },
  'auth.enrolment_required': { status: 403, title: 'Two-factor enrolment is required first' },
  'authz.forbidden': { status: 403, title: 'You do not have permission to do this' },
  'authz.escalation': { status: 403, title: 'You cannot grant more than you hold' },
  'authz.self_change': { status: 403, title: 'You cannot change your own role or status' },
  'authz.key_not_allowed': { status: 403, title: 'API keys cannot do this' },
  'account.not_found': { status: 404, title: 'No such account' },
  'profile.not_found': { status: 404, title: 'No such profile' },
  'resource.not_found': { status: 404, title: 'No such resource' },
  'role.not_found': { status: 404, title: 'No such role' },
  'role.builtin_readonly': { status: 409, title: 'Built-in roles cannot be changed' },
  'role.in_use': { status: 409, title: 'Members still hold this role' },
  'role.name_taken': { status: 409, title: 'A role with this name exists' },
  'role.name_reserved': { status: 409, title: 'Custom roles cannot take a built-in role’s name' },
  'catalog.unknown_permission': { status: 400, title: 'Unknown permission' },
  'catalog.scope_not_supported': { status: 400, title: 'This permission cannot be limited to own records' },
  'member.not_found': { status: 404, title: 'No such member' },
  'member.owner_protected': { status: 409, title: 'The owner cannot be changed this way' },
  'member.inactive': { status: 409, title: 'Inactive members can only be reactivated or removed' },
  'member.not_active': { status: 409, title: 'The member is not active' },
  'member.invalid_transition': { status: 409, title: 'The member is not in a state that allows this' },
  'member.identity_fixed': { status: 409, title: 'Identity fields cannot change once set' },
  'member.already_member': { status: 409, title: 'This person is already a member' },
  'member.identity_shared': {
    status: 409,
    title: 'This person belongs to other accounts too; they change it themselves',
  },
  'member.resources_unlimited': { status: 409, title: 'The member already has every resource of this type' },
  'user.not_found': { status: 404, title: 'No such user' },
  'invitation.not_found': { status: 404, title: 'No such invitation' },
  'invitation.expired': { status: 410, title: 'The invitation has expired' },
  'invitation.not_pending': { status: 409, title: 'The invitation is no longer pending' },
  'invitation.email_mismatch': { status: 403, title: 'The invitation belongs to another email address' },
  'invitation.sign_in_required': { status: 409, title: 'This address already has a user: sign in to accept' },
  'transfer.not_found': { status: 404, title: 'No pending ownership transfer' },
  'transfer.pending': { status: 409, title: 'An ownership offer to this member is already pending' },
  'contact.not_found': { status: 404, title: 'No such contact' },
  'api_key.not_found': { status: 404, title: 'No such API key' },
  'contact.email_taken': { status: 409, title: 'A contact with this email exists' },
  'password.too_weak': { status: 400, title: 'The password is not acceptable' },
  'two_factor.already_enrolled': { status: 409, title: 'Two-factor authentication is already set up' },
  'two_factor.not_enrolled': { status: 409, title: 'Two-factor authentication is not set up' },
  'two_factor.enrolment_not_started': { status: 409, title: 'Start two-factor enrolment first' },
  'token.invalid': { status: 400, title: 'The link is invalid or has expired' },
  conflict: { status: 409, title: 'The resource changed meanwhile; retry' },
  'internal.error': { status: 500, title: 'Internal error' },
  'service.unavailable': { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalog;

/** One invalid field of a request: a JSON pointer and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/** The problem+json body every error response carries. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export const problemTypeBase = 'urn:gatehouse:problem:';
