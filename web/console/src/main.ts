// The console: a hash-routed single page over the REST API. #/verify is public; every other
// page needs a session, and the navigation shows only what the account's role allows (the
// server enforces it either way).
import "./style.css";
import { ApiError, call, setCsrf, type Session } from "./api";
import { h, replace } from "./dom";
import { currentLanguage, t, toggleLanguage } from "./i18n";
import { accountsPage } from "./pages/accounts";
import { appsPage } from "./pages/apps";
import { organizationsPage, timeStampsPage } from "./pages/registry";
import { auditPage } from "./pages/audit";
import { documentsPage } from "./pages/documents";
import { loginPage } from "./pages/login";
import { sealsPage } from "./pages/seals";
import { filingPage, jobsPage, usersPage } from "./pages/tasks";
import { verifyPage } from "./pages/verify";
import { workspacePage } from "./pages/workspace";

export interface Page {
  route: string;
  label: () => string;
  permission: string;
  render: (main: HTMLElement, session: Session) => Promise<void> | void;
}

const pages: Page[] = [
  { route: "seals", label: () => t("seals"), permission: "seals.read", render: sealsPage },
  { route: "sign", label: () => t("sign"), permission: "documents.sign", render: workspacePage },
  { route: "documents", label: () => t("documents"), permission: "documents.read", render: documentsPage },
  { route: "jobs", label: () => t("jobs"), permission: "jobs.read", render: jobsPage },
  { route: "users", label: () => t("users"), permission: "users.read", render: usersPage },
  { route: "filing", label: () => t("filing"), permission: "filing.read", render: filingPage },
  { route: "audit", label: () => t("audit"), permission: "audit.read", render: auditPage },
  { route: "organizations", label: () => t("organizations"), permission: "organizations.read", render: organizationsPage },
  { route: "time-stamps", label: () => t("timeStamps"), permission: "time-stamps.read", render: timeStampsPage },
  { route: "apps", label: () => t("apps"), permission: "apps.read", render: appsPage },
  { route: "accounts", label: () => t("accounts"), permission: "accounts.read", render: accountsPage },
];

let session: Session | null = null;

async function loadSession(): Promise<Session | null> {
  try {
    const found = await call<Session>("GET", "/session");
    setCsrf(found.csrf);
    return found;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function showError(where: HTMLElement, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  where.prepend(h("p", { class: "error", role: "alert" }, `${t("error")}: ${message}`));
}

function header(current: string): HTMLElement {
  const links = session
    ? pages
        .filter((p) => session!.permissions.includes(p.permission))
        .map((p) =>
          h("a", { href: `#/${p.route}`, class: p.route === current ? "current" : "" }, p.label()),
        )
    : [];
  return h(
    "header",
    null,
    h("span", { class: "brand" }, "eseal ", h("small", null, t("title"))),
    h("nav", { "aria-label": "main" }, links, h("a", { href: "#/verify", class: current === "verify" ? "current" : "" }, t("verify"))),
    h(
      "span",
      { class: "who" },
      session ? `${session.account.name} · ` : "",
      h("button", { class: "link", type: "button", onclick: () => { toggleLanguage(); render(); } }, t("language")),
      session
        ? h("button", { class: "link", type: "button", onclick: signOut }, t("logout"))
        : h("a", { href: "#/login" }, t("login")),
    ),
  );
}

async function signOut(): Promise<void> {
  try {
    await call("DELETE", "/session");
  } finally {
    session = null;
    setCsrf("");
    go("login");
  }
}

// Shows `route`; a hash that does not change fires no hashchange, so render then.
function go(route: string): void {
  if (location.hash === `#/${route}`) {
    void render();
  } else {
    location.hash = `#/${route}`;
  }
}

// A verification code as typed or scanned: percent-escapes undone where they are well formed,
// in the capitals it is printed in.
function verificationCode(text: string): string {
  let decoded = text;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    // Left as it came: the server answers that no document has that code.
  }
  return decoded.trim().toUpperCase();
}

export async function render(): Promise<void> {
  const app = document.getElementById("app")!;
  document.documentElement.lang = currentLanguage() === "zh" ? "zh-CN" : "en";
  const [route = "", argument] = location.hash.replace(/^#\/?/, "").split("/");
  const main = h("main", { id: "main" });
  if (route === "verify") {
    replace(app, header("verify"), main);
    await verifyPage(main, argument ? verificationCode(argument) : undefined);
    return;
  }
  if (session === null) session = await loadSession();
  if (session === null || route === "login") {
    replace(app, header("login"), main);
    loginPage(main, async (signedIn) => {
      session = signedIn;
      setCsrf(signedIn.csrf);
      session = await loadSession();
      go(firstPage());
    });
    return;
  }
  const page = pages.find((p) => p.route === route && session!.permissions.includes(p.permission));
  if (!page) {
    go(firstPage());
    return;
  }
  replace(app, header(page.route), main);
  try {
    await page.render(main, session);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session = null;
      go("login");
      return;
    }
    showError(main, e);
  }
}

function firstPage(): string {
  return pages.find((p) => session?.permissions.includes(p.permission))?.route ?? "verify";
}

window.addEventListener("hashchange", () => void render());
void render();
