// Work that waits on someone else — COSS sign jobs and filing with the national platform — and
// the people who sign from their phones, with their devices; newest first. Staff may revoke a
// job still waiting for its signer, and freeze or thaw a user.
import { call, type Session } from "../api";
import { h, moreButton, replace, when } from "../dom";
import { t, tr } from "../i18n";
import { showError } from "../main";

interface Task {
  id: string;
  kind: string;
  state: string;
  appId: string;
  subject: string;
  created: string;
  updated: string;
  expires: string | null;
  title?: string;
  dataType?: string;
  signDataId?: string;
}

function table(headings: string[], rows: HTMLElement[]): HTMLElement {
  return h("div", { class: "table-wrap" }, h("table", null,
    h("thead", null, h("tr", null, headings.map((c) => h("th", null, c)))), h("tbody", null, rows)));
}

export async function jobsPage(main: HTMLElement, session: Session): Promise<void> {
  const canRevoke = session.permissions.includes("jobs.write");
  const page = async (offset: number) => (await call<{ tasks: Task[] }>("GET", `/jobs?offset=${offset}`)).tasks;
  const tasks = await page(0);
  // The job's row shows it revoked, where it is in the list.
  const revoke = async (j: Task, shown: HTMLElement) => {
    if (!confirm(t("revokeJobConfirm"))) return;
    try {
      const done = await call<{ status: string }>("POST", `/jobs/${encodeURIComponent(j.signDataId ?? j.id)}/revocation`);
      shown.replaceWith(row({ ...j, state: done.status }));
    } catch (error) {
      showError(main, error);
    }
  };
  const row = (j: Task): HTMLElement => h("tr", { "data-id": j.signDataId ?? j.id },
    h("td", null, h("code", null, j.signDataId ?? j.id)), h("td", null, j.title ?? "", " ", h("small", null, j.dataType ?? "")),
    h("td", null, tr(`job.${j.state}`, j.state)), h("td", null, h("code", null, j.subject)), h("td", null, when(j.created)), h("td", null, when(j.expires)),
    h("td", null, canRevoke && j.state === "UNSIGN"
      ? h("button", { type: "button", class: "link", "data-action": "revoke",
        onclick: (event: Event) => void revoke(j, (event.target as HTMLElement).closest("tr")!) }, t("revokeJob"))
      : null));
  const list = table(["ID", t("jobTitle"), t("status"), t("user"), t("created"), t("expires"), ""], tasks.map(row));
  const body = list.querySelector("tbody")!;
  replace(main, h("h1", null, t("jobs")), list, moreButton(tasks.length, page, (more) => body.append(...more.map(row)), t("more")));
}

export async function filingPage(main: HTMLElement): Promise<void> {
  const kind = h("select", { id: "filing-kind", onchange: () => void load() },
    ["run", "seal", "code", "task", "unit"].map((k) => h("option", { value: k }, tr(`filing.${k}`, k))));
  const list = h("div");
  replace(main, h("h1", null, t("filing")), h("label", { for: "filing-kind" }, t("type")), kind, list);
  async function load(): Promise<void> {
    const { tasks } = await call<{ tasks: Task[] }>("GET", `/filing/${kind.value}`);
    replace(list, table(["ID", t("object"), t("status"), t("created"), t("updated")],
      tasks.map((f) => h("tr", null, h("td", null, h("code", null, f.id)), h("td", null, f.subject), h("td", null, f.state),
        h("td", null, when(f.created)), h("td", null, when(f.updated))))));
  }
  await load();
}

interface User {
  id: string;
  name: string;
  mobile: string;
  department: string;
  status: string;
  created: string;
}

interface Device {
  deviceName: string;
  deviceId: string;
  state: string;
  certified: boolean;
  created: string;
}

export async function usersPage(main: HTMLElement, session: Session): Promise<void> {
  const canChange = session.permissions.includes("users.write");
  const page = async (offset: number) => (await call<{ users: User[] }>("GET", `/users?offset=${offset}`)).users;
  const users = await page(0);
  const setStatus = async (u: User, status: string) => {
    try {
      await call("PATCH", `/users/${encodeURIComponent(u.id)}`, { status });
      await usersPage(main, session);
    } catch (error) {
      showError(main, error);
    }
  };
  const statusAction = (u: User) => {
    if (!canChange || u.status === "DELETE") return null;
    const to = u.status === "LOCKED" ? "ACTIVE" : "LOCKED";
    return h("button", { type: "button", class: "link", "data-action": to === "LOCKED" ? "freeze" : "unfreeze",
      onclick: () => void setStatus(u, to) }, t(to === "LOCKED" ? "freeze" : "unfreeze"));
  };
  const row = (u: User) => {
    const devices = h("td");
    return h("tr", { "data-id": u.id }, h("td", null, u.name), h("td", null, u.mobile), h("td", null, u.department),
      h("td", null, tr(`user.${u.status}`, u.status), " ", statusAction(u)),
      h("td", null, when(u.created)), devices,
      h("td", null, h("button", { type: "button", class: "link", onclick: async () => {
        const found = await call<{ devices: Device[] }>("GET", `/users/${encodeURIComponent(u.id)}/devices`);
        replace(devices, found.devices.map((d) => h("div", null, `${d.deviceName || d.deviceId} · ${d.state}${d.certified ? " · ✔" : ""}`)));
      } }, t("devices"))));
  };
  const list = table([t("name"), t("mobile"), t("department"), t("status"), t("created"), t("devices"), ""], users.map(row));
  const body = list.querySelector("tbody")!;
  replace(main, h("h1", null, t("users")), list, moreButton(users.length, page, (more) => body.append(...more.map(row)), t("more")));
}
