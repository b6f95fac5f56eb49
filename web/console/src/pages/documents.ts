// Documents: uploads and signed versions, newest first, with download and verification.
import { call, type DocumentRecord, type Verification } from "../api";
import { h, replace, when } from "../dom";
import { t } from "../i18n";

export async function documentsPage(main: HTMLElement): Promise<void> {
  const { documents } = await call<{ documents: DocumentRecord[] }>("GET", "/documents");
  const rows = documents.map((d) => {
    const outcome = h("td");
    return h("tr", null,
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
        } }, t("verify"))),
      outcome);
  });
  replace(main, h("h1", null, t("documents")), h("div", { class: "table-wrap" }, h("table", null,
    h("thead", null, h("tr", null, [t("created"), "ID", t("format"), t("size"), t("actions"), t("status")].map((c) => h("th", null, c)))),
    h("tbody", null, rows))));
}
