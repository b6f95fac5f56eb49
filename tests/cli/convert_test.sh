#!/usr/bin/env bash
# `eseal convert` and `eseal ofd render` end to end, checked with independent tools: OFD -> PDF
# keeps the words (pdftotext finds what `eseal ofd text` finds, in order) and passes qpdf --check;
# PDF -> OFD keeps them too, and a seal stamped on the converted OFD by keyword verifies; a Word
# file made here (python3-docx) becomes an OFD that takes a keyword seal; the tax e-invoices of
# the fixtures convert to PDF with their seals drawn; bad input fails cleanly with exit 2.
source "$(dirname "$0")/lib.sh" "$@"
FIXTURES=$(cd "$(dirname "$0")/../../.." && pwd)/shared/fixtures/ofd-interop

# Words in order: the text's non-space characters, so that layout spaces do not matter.
squash() { tr -d ' \n\t\f\r'; }

expect 0 "$ESEAL" ca init --dir ca
expect 0 "$ESEAL" cert issue --ca ca --profile seal-maker --subject "C=CN,O=制章中心,CN=制章者" --out maker
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=某某市人民政府,CN=公章" --out signer
expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某某市人民政府 --type 1 --out gov.esl
SIGN=("$ESEAL" ofd sign --seal gov.esl --key signer.key --cert signer.pem)

{
  echo "关于开展电子印章应用试点工作的通知"
  for i in $(seq 1 12); do echo "第${i}条：推进电子印章在政务服务中的应用，Seal test ${i}。"; done
  echo "某某市人民政府（盖章）"
} >notice.txt
expect 0 "$ESEAL" ofd make --text-file notice.txt --out notice.ofd

# OFD -> PDF: vector, the same words, accepted by qpdf, marked as carrying no signature.
expect 0 "$ESEAL" convert notice.ofd --to pdf
contains "wrote notice.pdf (1 page in the source)"
qpdf --check notice.pdf >/dev/null || fail "qpdf --check refuses notice.pdf"
checks=$((checks + 1))
ofd_words=$("$ESEAL" ofd text notice.ofd | sed 's/^page [0-9]*  x [0-9.]*  y [0-9.]*  w [0-9.]*  h [0-9.]*  //' | squash)
pdf_words=$(pdftotext notice.pdf - | squash)
[ "$ofd_words" = "$pdf_words" ] || fail "OFD -> PDF changed the words:"$'\n'"$ofd_words"$'\n'"$pdf_words"
checks=$((checks + 1))
expect 0 "$ESEAL" pdf text notice.pdf
contains "某某市人民政府（盖章）"
pdfinfo notice.pdf | grep -q "carries no signature" || fail "the PDF's metadata does not say it carries no signature"
checks=$((checks + 1))
pdffonts notice.pdf | grep -q "yes yes" || fail "the PDF's fonts are not embedded as subsets"
checks=$((checks + 1))
# Converting to its own format, or an existing output without --force, is refused.
expect 2 "$ESEAL" convert notice.ofd --to ofd
contains "already an OFD"
expect 2 "$ESEAL" convert notice.ofd --to pdf
contains "notice.pdf"

# ofd render: PNG pages at a resolution, and a page range as PDF.
expect 0 "$ESEAL" ofd render notice.ofd --out page.png --dpi 72
contains "wrote page.png"
file page.png | grep -q "PNG image data, 596 x 842" || fail "page.png: $(file page.png)"
checks=$((checks + 1))
expect 2 "$ESEAL" ofd render notice.ofd --out page.png --page 2
contains "page"
expect 2 "$ESEAL" ofd render notice.txt --out x.png
expect 2 "$ESEAL" ofd render notice.ofd --out x.docx

# PDF -> OFD: the words read back from the OFD; a keyword seal on it verifies.
expect 0 "$ESEAL" convert notice.pdf --to ofd --out back.ofd
contains "wrote back.ofd"
back_words=$("$ESEAL" ofd text back.ofd | sed 's/^page [0-9]*  x [0-9.]*  y [0-9.]*  w [0-9.]*  h [0-9.]*  //' | squash)
[ "$back_words" = "$pdf_words" ] || fail "PDF -> OFD changed the words:"$'\n'"$pdf_words"$'\n'"$back_words"
checks=$((checks + 1))
expect 0 "${SIGN[@]}" --in back.ofd --out back-sealed.ofd --keyword "人民政府（盖章）"
expect 0 "$ESEAL" ofd verify back-sealed.ofd --ca ca/root.pem
contains "valid"
# The sealed OFD renders with the seal as ink, and converts to a PDF without the signature.
expect 0 "$ESEAL" convert back-sealed.ofd --to pdf --out back-sealed.pdf
qpdf --check back-sealed.pdf >/dev/null || fail "qpdf --check refuses back-sealed.pdf"
checks=$((checks + 1))
pdftotext back-sealed.pdf - | grep -q "某某市人民政府" || fail "the sealed page lost its text"
checks=$((checks + 1))
grep -aq "/Multiply" back-sealed.pdf || fail "the seal is not multiplied onto the page"
checks=$((checks + 1))
# On request the PDF carries the original's verification report (poppler's pdfdetach reads it).
expect 0 "$ESEAL" convert back-sealed.ofd --to pdf --out attached.pdf --attach-verification --ca ca/root.pem
pdfdetach -list attached.pdf | grep -q "verification.json" || fail "no verification.json in attached.pdf"
checks=$((checks + 1))
pdfdetach -save 1 -o report.json attached.pdf || fail "pdfdetach cannot save the report"
grep -q '"valid": true' report.json || fail "the attached report: $(head -c 300 report.json)"
checks=$((checks + 1))
qpdf --check attached.pdf >/dev/null || fail "qpdf --check refuses attached.pdf"
checks=$((checks + 1))
expect 2 "$ESEAL" convert notice.pdf --to ofd --out x.ofd --attach-verification
contains "applies to an OFD converted to PDF"

# PNG from a PDF (poppler's rasterizer), several pages named NAME-N.png.
expect 0 "$ESEAL" convert notice.pdf --to png --dpi 50 --out pdfpage.png
file pdfpage.png | grep -q "PNG image data, 413 x 585" || fail "pdfpage.png: $(file pdfpage.png)"
checks=$((checks + 1))

# Plain text and a picture become pages.
expect 0 "$ESEAL" convert notice.txt --to ofd --out fromtext.ofd
expect 0 "$ESEAL" ofd text fromtext.ofd
contains "某某市人民政府（盖章）"
expect 0 "$ESEAL" convert page.png --to pdf --out picture.pdf
pdfinfo picture.pdf | grep -q "Pages: *1" || fail "picture.pdf is not one page"
checks=$((checks + 1))

# Office files, made here, through LibreOffice.
if command -v soffice >/dev/null && /usr/bin/python3 -c "import docx, openpyxl" 2>/dev/null; then
  /usr/bin/python3 - <<'PY'
import docx
d = docx.Document()
d.add_heading("电子印章合同", 1)
d.add_paragraph("甲方：某某科技有限公司")
d.add_paragraph("乙方：某某市人民政府")
d.add_paragraph("本合同一式两份，双方签章后生效。")
d.add_paragraph("甲方（盖章）")
d.save("contract.docx")
PY
  expect 0 "$ESEAL" convert contract.docx --to ofd
  contains "wrote contract.ofd"
  expect 0 "$ESEAL" ofd text contract.ofd
  contains "本合同一式两份"
  expect 0 "${SIGN[@]}" --in contract.ofd --out contract-sealed.ofd --keyword "甲方（盖章）"
  expect 0 "$ESEAL" ofd verify contract-sealed.ofd --ca ca/root.pem
  contains "valid"
  expect 0 "$ESEAL" convert contract.docx --to pdf
  pdftotext contract.pdf - | grep -q "双方签章后生效" || fail "contract.pdf lacks the words"
  checks=$((checks + 1))
  # A spreadsheet and a web page become OFDs whose text holds their words.
  /usr/bin/python3 - <<'PY'
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["印章名称", "数量"])
ws.append(["合同专用章", 3])
wb.save("seals.xlsx")
PY
  expect 0 "$ESEAL" convert seals.xlsx --to ofd
  expect 0 "$ESEAL" ofd text seals.ofd
  contains "合同专用章"
  printf '<html><head><meta charset="utf-8"><title>通知</title></head><body><h1>电子印章通知</h1><p>请于本周内完成备案。</p></body></html>' >notice.html
  expect 0 "$ESEAL" convert notice.html --to ofd --out notice-html.ofd
  expect 0 "$ESEAL" ofd text notice-html.ofd
  contains "请于本周内完成备案"
  head -c 3000 /dev/urandom >broken.docx
  expect 2 "$ESEAL" convert broken.docx --to pdf
  contains "broken.docx"
else
  echo "skip: soffice or /usr/bin/python3 with docx and openpyxl missing; office not exercised"
fi

# The fixtures' tax e-invoices: to PDF with their seals, text kept.
if [ -d "$FIXTURES" ]; then
  for f in v4signed signedFile; do
    expect 0 "$ESEAL" convert "$FIXTURES/$f.ofd" --to pdf --out "$f.pdf"
    qpdf --check "$f.pdf" >/dev/null || fail "qpdf --check refuses $f.pdf"
    checks=$((checks + 1))
    words=$(pdftotext "$f.pdf" - | squash)
    [ ${#words} -gt 50 ] || fail "$f.pdf has almost no text: $words"
    checks=$((checks + 1))
  done
else
  echo "skip: no fixtures at $FIXTURES"
fi

# Unsupported and damaged input.
echo "hello" >x.xyz
expect 2 "$ESEAL" convert x.xyz --to pdf
contains "unsupported input"
printf 'PK\003\004OFD.xml garbage' >bad.ofd
expect 2 "$ESEAL" convert bad.ofd --to pdf
expect 2 "$ESEAL" convert notice.ofd --to docx
contains "expected pdf, ofd or png"
expect 2 "$ESEAL" convert notice.pdf --to ofd --out ranged.ofd --pages 1-2
contains "a page range applies to PNG output"
expect 2 "$ESEAL" convert notice.txt --to pdf --out t.pdf --time-limit 0
contains "--time-limit"
done_checks
