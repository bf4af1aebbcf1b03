/** Where a request came from, for the security log. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export const systemContext: RequestContext = { ip: null, userAgent: null, requestId: null };
