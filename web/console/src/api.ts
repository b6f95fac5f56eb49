// The native REST API (/api/v1/, src/api/rest/routes.h): the session cookie goes with every
// request, and the session's CSRF token with every one that changes something.
export interface Account {
  login: string;
  name: string;
  role: "admin" | "seal-admin" | "operator" | "auditor";
  enabled: boolean;
  locked: boolean;
}

export interface Session {
  account: Account;
  csrf: string;
  expires: string;
  permissions: string[];
}

export interface Seal {
  id: string;
  name: string;
  type: number;
  typeName: string;
  status: string;
  signer: string;
  validStart: string;
  validEnd: string;
}

export interface Check {
  name: string;
  result: "passed" | "failed" | "skipped" | "indeterminate";
  detail: string;
  finding?: string;
}

export interface SignatureReport {
  kind: string;
  name: string;
  page: number;
  valid: boolean;
  verdict: string;
  findings: string[];
  signingTime: string;
  signer: string;
  sealId: string;
  sealName: string;
  pictureType: string;
  picture: string;
  timeStamp: string;
  timeStampAuthority: string;
  changes: ChangedRegion[];
  checks: Check[];
}

// Where a document changed after a signature: a page's rectangle, in mm from its top-left.
export interface ChangedRegion {
  page: number;
  xMm: number;
  yMm: number;
  widthMm: number;
  heightMm: number;
  kind: "content" | "page" | "annotation" | "signature";
}

export interface Verification {
  format: string;
  valid: boolean;
  verdict: "valid" | "indeterminate" | "failed";
  findings: string[];
  locked: boolean;
  size: number;
  sm3: string;
  sha256: string;
  signatures: SignatureReport[];
}

export interface DocumentRecord {
  id: string;
  format: "pdf" | "ofd";
  size: number;
  sm3: string;
  biznum: string;
  created: string;
  verificationCode?: string;
}

// GET /public/documents/{code}: a signed document's record, found by its verification code.
export interface PublicDocument {
  verificationCode: string;
  format: "pdf" | "ofd";
  size: number;
  signed: string;
  sm3: string;
  sha256: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrf = "";

export function setCsrf(token: string): void {
  csrf = token;
}

export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
): Promise<T> {
  const headers: Record<string, string> = {};
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  let payload: BodyInit | undefined;
  if (body instanceof Blob || body instanceof ArrayBuffer) {
    payload = body;
    headers["Content-Type"] = contentType;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: payload,
    credentials: "same-origin",
  });
  const type = response.headers.get("Content-Type") ?? "";
  if (!response.ok) {
    let code = "error";
    let message = response.statusText;
    if (type.startsWith("application/json")) {
      const error = await response.json();
      code = error.error;
      message = error.message;
    }
    throw new ApiError(response.status, code, message);
  }
  if (type.startsWith("application/json")) return (await response.json()) as T;
  return (await response.blob()) as T;
}
