// Documents: uploads and signed versions, newest first, with download and verification; an
// operator locks an OFD (锁定签名), unlocks it, or makes a certified copy (加注件) of it.
import { call, type DocumentRecord, type Session, type Verification } from "../api";
import { h, replace, when } from "../dom";
import { t } from "../i18n";
import { showError } from "../main";

export async function documentsPage(main: HTMLElement, session: Session): Promise<void> {
  const canSign = session.permissions.includes("documents.sign");
  const body = h("tbody");
  const load = async () => {
    const { documents } = await call<{ documents: DocumentRecord[] }>("GET", "/documents");
    replace(body, documents.map((d) => row(d)));
  };
  // An action that makes a new version, listed at the top once made.
  const act = async (path: string, payload?: unknown) => {
    try {
      await call<DocumentRecord>("POST", path, payload);
      await load();
    } catch (error) {
      showError(main, error);
    }
  };
  const row = (d: DocumentRecord) => {
    const outcome = h("td");
    const ofdActions = canSign && d.format === "ofd"
      ? [" ",
        h("button", { type: "button", class: "link", "data-action": "lock", onclick: () => act(`/documents/${d.id}/lock`) }, t("lock")), " ",
        h("button", { type: "button", class: "link", "data-action": "unlock", onclick: () => act(`/documents/${d.id}/unlock`) }, t("unlock")), " ",
        h("button", { type: "button", class: "link", "data-action": "copy", onclick: () => {
          const cause = prompt(t("copyCause"));
          if (!cause) return;
          const years = Number(prompt(t("copyYears"), "1") ?? "1");
          void act(`/documents/${d.id}/copies`, { cause, years });
        } }, t("certifiedCopy"))]
      : [];
    return h("tr", { "data-id": d.id },
      h("td", null, when(d.created)),
      h("td", null, h("code", null, d.id)),
      h("td", null, d.format.toUpperCase()),
      h("td", null, `${Math.ceil(d.size / 1024)} KiB`),
      h("td", null,
        h("a", { href: `/api/v1/documents/${d.id}/content`, download: `${d.id}.${d.format}` }, t("download")), " ",
        h("button", { type: "button", class: "link", onclick: async () => {
          try {
            const r = await call<Verification>("GET", `/documents/${d.id}/verification`);
            replace(outcome, `${r.verdict} (${r.signatures.length})`);
          } catch (error) {
            replace(outcome, error instanceof Error ? error.message : String(error));
          }
        } }, t("verify")),
        ofdActions,
        d.verificationCode ? [" ", h("a", { href: `#/verify/${d.verificationCode}` }, t("codeLabel"))] : null),
      outcome);
  };
  replace(main, h("h1", null, t("documents")), h("div", { class: "table-wrap" }, h("table", null,
    h("thead", null, h("tr", null, [t("created"), "ID", t("format"), t("size"), t("actions"), t("status")].map((c) => h("th", null, c)))),
    body)));
  await load();
}
