// The public verification page: anyone given a stamped PDF or OFD drops it here and reads, in
// plain words, whether it is intact and who sealed it when, check by check, with the document's
// SM3 and SHA-256 to compare with what they hold; and looks up a seal's status by its code.
// Opened from a document's verification code (#/verify/<code>, its printed QR code), it shows
// the platform's record of the original (when it was signed, its SM3 and SHA-256) and says
// whether the file dropped is that original.
import { ApiError, call, type ChangedRegion, type PublicDocument, type SignatureReport, type Verification } from "../api";
import { h, replace, when } from "../dom";
import { t, tr } from "../i18n";

interface PublicSeal {
  id: string;
  name: string;
  status: string;
  validStart: string;
  validEnd: string;
  organizationName: string;
}

export async function verifyPage(main: HTMLElement, code?: string): Promise<void> {
  const report = h("section", { class: "report", "aria-live": "polite" });
  let original: PublicDocument | null = null;
  const originalCard = h("section", { class: "card original", id: "original" });
  if (code) {
    try {
      original = await call<PublicDocument>("GET", `/public/documents/${encodeURIComponent(code)}`);
      replace(originalCard, h("h2", null, t("originalTitle")),
        h("dl", null,
          h("dt", null, t("codeLabel")), h("dd", null, h("code", null, original.verificationCode)),
          h("dt", null, t("originalSigned")), h("dd", null, when(original.signed)),
          h("dt", null, "SM3"), h("dd", null, h("code", null, original.sm3)),
          h("dt", null, "SHA-256"), h("dd", null, h("code", null, original.sha256)),
          h("dt", null, t("size")), h("dd", null, `${original.size} B`)),
        h("p", { class: "muted" }, t("originalHint")));
    } catch (e) {
      replace(originalCard, h("p", { class: "verdict verdict-failed", role: "alert" },
        e instanceof ApiError && e.status === 404 ? t("originalMissing") : e instanceof Error ? e.message : String(e)));
    }
  }
  const input = h("input", { id: "verify-file", type: "file", accept: ".pdf,.ofd,application/pdf", class: "visually-hidden", onchange: () => {
    const picked = input.files?.[0];
    if (picked) void check(picked);
  } });
  const drop = h("label", { for: "verify-file", class: "dropzone", tabindex: "0" },
    h("strong", null, t("chooseFile")), h("span", null, t("verifyHint")));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const picked = e.dataTransfer?.files[0];
    if (picked) void check(picked);
  });

  const sealCode = h("input", { id: "seal-code", autocomplete: "off" });
  const found = h("div", { "aria-live": "polite" });
  const lookup = h("form", { class: "card", onsubmit: async (event: Event) => {
    event.preventDefault();
    try {
      const seal = await call<PublicSeal>("GET", `/public/seals/${encodeURIComponent(sealCode.value.trim())}`);
      replace(found, h("p", null, h("span", { class: `status status-${seal.status}` }, tr(`status.${seal.status}`, seal.status)), " ",
        seal.name, seal.organizationName ? ` · ${seal.organizationName}` : "", " · ", `${t("validity")}: ${when(seal.validStart)} – ${when(seal.validEnd)}`));
    } catch (e) {
      replace(found, h("p", { class: "error" }, e instanceof ApiError ? e.message : String(e)));
    }
  } }, h("h2", null, t("lookupTitle")), h("label", { for: "seal-code" }, t("sealCode")), sealCode,
    h("button", { type: "submit", class: "primary" }, t("lookup")), found);

  replace(main, h("h1", null, t("verifyTitle")), code ? originalCard : null, input, drop, report, lookup);

  async function check(file: File): Promise<void> {
    replace(report, h("p", { class: "muted" }, "…"));
    try {
      const result = await call<Verification>("POST", "/verification", file, "application/octet-stream");
      replace(report, original ? comparison(result, original) : null, verdict(result),
        changes(file, result), result.signatures.map(signature), hashes(result));
    } catch (e) {
      replace(report, h("p", { class: "verdict verdict-failed", role: "alert" }, e instanceof ApiError ? e.message : String(e)));
    }
  }
}

// Whether the file dropped is, byte for byte, the original the verification code names.
function comparison(result: Verification, original: PublicDocument): HTMLElement {
  const same = result.sm3 === original.sm3 && result.sha256 === original.sha256;
  return h("p", { class: `verdict verdict-${same ? "valid" : "failed"}`, role: "status", id: "comparison" },
    same ? "✔ " : "✘ ", same ? t("matchesOriginal") : t("differsFromOriginal"));
}

// Each page on which the document changed after a signature, drawn by the server from the file
// itself, with the changed places outlined: red for content and annotations, blue for seals
// added later.
const drawDpi = 72;
// Each drawn page is the whole file sent again: a few, one after another.
const maxDrawnPages = 4;

function changes(file: File, result: Verification): HTMLElement | null {
  const byPage = new Map<number, { region: ChangedRegion; after: number }[]>();
  result.signatures.forEach((s, i) => (s.changes ?? []).forEach((region) => {
    const list = byPage.get(region.page) ?? [];
    list.push({ region, after: i + 1 });
    byPage.set(region.page, list);
  }));
  if (byPage.size === 0) return null;
  const section = h("section", { class: "card changes", id: "changes" },
    h("h2", null, t("changesTitle")), h("p", { class: "muted" }, t("changesHint")));
  const drawings: (() => Promise<void>)[] = [];
  for (const [page, regions] of [...byPage.entries()].sort((a, b) => a[0] - b[0])) {
    const sheet = h("div", { class: "change-page" });
    const list = h("ul", { class: "change-list" }, regions.map(({ region, after }) =>
      h("li", { class: `change-item change-${region.kind}` },
        `${t("changeAfter", { n: after })}: ${t("page")} ${page} · ${tr(`change.${region.kind}`, region.kind)}`)));
    const drawn = drawings.length < maxDrawnPages;
    section.append(h("figure", { class: "change-figure", "data-page": String(page) }, drawn ? sheet : null, h("figcaption", null, list)));
    if (drawn) drawings.push(() => draw(file, page, sheet, regions.map(({ region }) => region)));
  }
  if (byPage.size > maxDrawnPages) section.append(h("p", { class: "muted" }, t("changesNotDrawn", { n: maxDrawnPages })));
  void (async () => {
    for (const drawing of drawings) await drawing().catch(() => undefined);
  })();
  return section;
}

// Page `page` of the dropped file, drawn by the server, with the regions outlined on it.
async function draw(file: File, page: number, sheet: HTMLElement, regions: ChangedRegion[]): Promise<void> {
  const response = await fetch(`/api/v1/verification/pages/${page}?dpi=${drawDpi}`, { method: "POST", body: file });
  if (!response.ok) return;
  const image = h("img", { alt: `${t("page")} ${page}` });
  const url = URL.createObjectURL(await response.blob());
  image.src = url;
  await image.decode();
  sheet.append(image);
  URL.revokeObjectURL(url);
  // Millimetres on the page as shares of the drawn picture.
  const widthMm = (image.naturalWidth / drawDpi) * 25.4;
  const heightMm = (image.naturalHeight / drawDpi) * 25.4;
  for (const region of regions) {
    sheet.append(h("div", {
      class: `change-box change-${region.kind}`,
      style: {
        left: `${(region.xMm / widthMm) * 100}%`, top: `${(region.yMm / heightMm) * 100}%`,
        width: `${(region.widthMm / widthMm) * 100}%`, height: `${(region.heightMm / heightMm) * 100}%`,
      },
    }));
  }
}

function verdict(result: Verification): HTMLElement {
  const text = result.signatures.length === 0 ? t("noSignature")
    : result.verdict === "valid" ? t("verdictValid")
    : result.verdict === "failed" ? t("verdictFailed") : t("verdictIndeterminate");
  return h("p", { class: `verdict verdict-${result.signatures.length ? result.verdict : "failed"}`, role: "status", id: "verdict" },
    result.verdict === "valid" && result.signatures.length ? "✔ " : "✘ ", text);
}

// The picture types a browser draws by itself (an OFD vector seal is not one of them).
const pictureTypes: Record<string, string> = {
  PNG: "image/png", JPG: "image/jpeg", JPEG: "image/jpeg", GIF: "image/gif", BMP: "image/bmp", SVG: "image/svg+xml",
};

function signature(s: SignatureReport): HTMLElement {
  const state = s.valid ? t("signatureValid") : s.verdict === "failed" ? t("signatureInvalid") : t("signatureUnknown");
  const time = s.timeStamp ? `${when(s.timeStamp)}${t("timeStamped")}` : s.signingTime ? `${when(s.signingTime)}${t("timeClaimed")}` : "—";
  return h("article", { class: `card signature signature-${s.verdict}` },
    s.picture && pictureTypes[s.pictureType.toUpperCase()]
      ? h("img", { class: "seal-picture", src: `data:${pictureTypes[s.pictureType.toUpperCase()]};base64,${s.picture}`, alt: s.sealName })
      : null,
    h("h2", null, h("span", { class: `status status-${s.valid ? "valid" : "revoked"}` }, state), " ", s.sealName || s.name),
    h("dl", null,
      h("dt", null, t("sealLabel")), h("dd", null, s.sealName ? `${s.sealName} (${s.sealId})` : "—"),
      h("dt", null, t("signerLabel")), h("dd", null, s.signer || "—"),
      h("dt", null, t("timeLabel")), h("dd", null, time),
      h("dt", null, t("page")), h("dd", null, s.page ? String(s.page) : "—")),
    h("h3", null, t("checks")),
    h("ul", { class: "checks" }, s.checks.map((c) =>
      h("li", { class: `check check-${c.result}` },
        h("span", { class: "mark", "aria-hidden": "true" }, c.result === "passed" ? "✔" : c.result === "failed" ? "✘" : "?"),
        h("span", null, tr(`check.${c.name}`, c.name), ": ", tr(c.result, c.result)),
        h("small", null, c.detail)))));
}

function hashes(result: Verification): HTMLElement {
  return h("section", { class: "card hashes" }, h("h2", null, t("hashes")),
    h("dl", null, h("dt", null, "SM3"), h("dd", null, h("code", null, result.sm3)),
      h("dt", null, "SHA-256"), h("dd", null, h("code", null, result.sha256)),
      h("dt", null, t("size")), h("dd", null, `${result.size} B`)));
}
