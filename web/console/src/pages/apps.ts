// Apps: the business systems integrated over LD/T, COSS and DB4403 (never their secrets).
import { call } from "../api";
import { h, replace, when } from "../dom";
import { t } from "../i18n";

interface App {
  syscode: string;
  name: string;
  enabled: boolean;
  families: string[];
  scopes: string[];
  created: string;
}

export async function appsPage(main: HTMLElement): Promise<void> {
  const { apps } = await call<{ apps: App[] }>("GET", "/apps");
  replace(main, h("h1", null, t("apps")), h("div", { class: "table-wrap" }, h("table", null,
    h("thead", null, h("tr", null, ["syscode", t("name"), t("families"), t("scopes"), t("status"), t("created")].map((c) => h("th", null, c)))),
    h("tbody", null, apps.map((a) => h("tr", null, h("td", null, h("code", null, a.syscode)), h("td", null, a.name),
      h("td", null, a.families.join(", ")), h("td", null, a.scopes.join(", ")),
      h("td", null, a.enabled ? t("enabled") : t("disabled")), h("td", null, when(a.created))))))));
}
