#!/usr/bin/env bash
# `eseal ofd make` then `eseal ofd text`: a Chinese text laid out on A4 pages (25 mm margins,
# 5 mm type, lines 7.5 mm apart) reads back with the positions the layout gives; bad input
# exits 2 and nothing is overwritten without --force.
source "$(dirname "$0")/lib.sh" "$@"

printf '电子印章测试\n本合同由甲方和乙方签订。\nSeal test 2026\n' > contract.txt
expect 0 "$ESEAL" ofd make --text-file contract.txt --out contract.ofd --title 测试合同
contains "1 page, 3 lines"
expect 0 "$ESEAL" ofd text contract.ofd --json
contains '"text": "本合同由甲方和乙方签订。"'
# The second line: at the left margin, one line (7.5 mm) below the first, 12 CJK glyphs wide;
# the third has 14 Latin glyphs of half an em.
contains '"page": 1,
        "text": "本合同由甲方和乙方签订。",
        "x": 25.0,
        "y": 32.5,
        "width": 60.0,
        "height": 5.0'
contains '"text": "Seal test 2026",
        "x": 25.0,
        "y": 40.0,
        "width": 35.0,'
expect 0 "$ESEAL" ofd text contract.ofd
contains "page 1  x 25.00  y 32.50  w 60.00  h 5.00  本合同由甲方和乙方签订。"
expect 1 "$ESEAL" ofd verify contract.ofd
contains "no signatures"

# 40 lines fill page 1 (33 lines) and go on to page 2; a larger type with an embedded font.
for i in $(seq 1 40); do echo "第${i}行：甲方盖章处"; done > long.txt
expect 0 "$ESEAL" ofd make --text-file long.txt --out long.ofd
contains "2 pages, 40 lines"
expect 0 "$ESEAL" ofd text long.ofd --page 2
contains "page 2  x 25.00  y 25.00  w 45.00  h 5.00  第34行：甲方盖章处"
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
if [ -f "$font" ]; then
  expect 0 "$ESEAL" ofd make --text-file contract.txt --out font.ofd --font-size 8 --embed-font "$font"
  expect 0 "$ESEAL" ofd text font.ofd
  contains "page 1  x 25.00  y 37.00  w 96.00  h 8.00  本合同由甲方和乙方签订。"
fi

expect 2 "$ESEAL" ofd text contract.ofd --page 2
contains "--page 2 does not exist"
expect 2 "$ESEAL" ofd make --text-file contract.txt --out contract.ofd
contains "already exists"
expect 0 "$ESEAL" ofd make --text-file long.txt --out contract.ofd --force
printf 'bad \xff\n' > bad.txt
expect 2 "$ESEAL" ofd make --text-file bad.txt --out bad.ofd
contains "not UTF-8"
expect 2 "$ESEAL" ofd make --text-file contract.txt --out small.ofd --font-size 200
expect 2 "$ESEAL" ofd text missing.ofd
echo "not a zip" > bad.ofd
expect 2 "$ESEAL" ofd text bad.ofd

done_checks
