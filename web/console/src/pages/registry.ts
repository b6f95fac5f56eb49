// Organizations, the certificates registered with seals, the CRLs verification uses, and the
// time stamps the platform's authority issued; a seal administrator adds organizations.
import { call, type Session } from "../api";
import { h, moreButton, replace, when } from "../dom";
import { t } from "../i18n";
import { showError } from "../main";

interface Organization { id: string; name: string; creditCode: string; created: string }
interface Certificate { subject: string; issuer: string; serial: string; notBefore: string; notAfter: string }
interface Crl { issuer: string; thisUpdate: string; nextUpdate?: string; number: number; revoked: number }
interface TimeStamp { serial: string; genTime: string; hashAlgorithm: string; imprint: string; requester: string }

function table(headings: string[], rows: HTMLElement[]): HTMLElement {
  return h("div", { class: "table-wrap" }, h("table", null,
    h("thead", null, h("tr", null, headings.map((c) => h("th", null, c)))), h("tbody", null, rows)));
}

export async function organizationsPage(main: HTMLElement, session: Session): Promise<void> {
  const { organizations } = await call<{ organizations: Organization[] }>("GET", "/organizations");
  const name = h("input", { id: "org-name", required: true });
  const code = h("input", { id: "org-code", maxlength: "18", pattern: "[0-9A-HJ-NPQRTUWXY]{18}" });
  const form = session.permissions.includes("organizations.write")
    ? h("form", { class: "card", onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          await call("POST", "/organizations", { name: name.value, creditCode: code.value || undefined });
          await organizationsPage(main, session);
        } catch (error) {
          showError(form!, error);
        }
      } }, h("h2", null, t("addOrganization")), h("label", { for: "org-name" }, t("name")), name,
        h("label", { for: "org-code" }, t("creditCode")), code, h("button", { class: "primary", type: "submit" }, t("create")))
    : null;
  const sections: (HTMLElement | null)[] = [h("h1", null, t("organizations")), form,
    table([t("name"), t("creditCode"), t("created")], organizations.map((o) =>
      h("tr", null, h("td", null, o.name), h("td", null, h("code", null, o.creditCode || "—")), h("td", null, when(o.created)))))];
  if (session.permissions.includes("certificates.read")) {
    const [{ certificates }, { crls }] = await Promise.all([
      call<{ certificates: Certificate[] }>("GET", "/certificates"), call<{ crls: Crl[] }>("GET", "/crls")]);
    sections.push(h("h2", null, t("certificates")), table([t("subject"), t("issuer"), t("serial"), t("validity")],
      certificates.map((c) => h("tr", null, h("td", null, c.subject), h("td", null, c.issuer), h("td", null, h("code", null, c.serial)),
        h("td", null, `${when(c.notBefore)} – ${when(c.notAfter)}`)))));
    sections.push(h("h2", null, t("crls")), table([t("issuer"), t("thisUpdate"), t("nextUpdate"), t("revokedCount")],
      crls.map((c) => h("tr", null, h("td", null, c.issuer), h("td", null, when(c.thisUpdate)), h("td", null, when(c.nextUpdate)),
        h("td", null, String(c.revoked))))));
  }
  replace(main, sections);
}

export async function timeStampsPage(main: HTMLElement): Promise<void> {
  const page = async (offset: number) =>
    (await call<{ timeStamps: TimeStamp[] }>("GET", `/time-stamps?offset=${offset}`)).timeStamps;
  const row = (s: TimeStamp) => h("tr", null, h("td", null, when(s.genTime)), h("td", null, h("code", null, s.serial)),
    h("td", null, s.requester), h("td", null, h("code", null, s.imprint.slice(0, 16) + "…")));
  const first = await page(0);
  const list = table([t("genTime"), t("serial"), t("requester"), t("imprint")], first.map(row));
  const body = list.querySelector("tbody")!;
  replace(main, h("h1", null, t("timeStamps")), list,
    moreButton(first.length, page, (more) => body.append(...more.map(row)), t("more")));
}
