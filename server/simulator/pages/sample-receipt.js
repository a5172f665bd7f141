// A sample POS receipt as the Odoo POS sends it to an IoT box: the receipt drawn in the browser
// at 512 px wide (the width of Odoo's receipt renderer for 80 mm printers) and sent as a base64
// JPEG in `print_receipt`'s `receipt` field.

const WIDTH = 512;
const MARGIN = 16;

const LINES = [
  { name: 'Desk Organizer', detail: '2.00 Units x $ 5.10', price: 10.2 },
  { name: 'Whiteboard Pen', detail: '1.00 Units x $ 1.20', price: 1.2 },
  { name: 'Bananas', detail: '0.750 kg x $ 2.20 / kg', price: 1.65 },
  { name: 'Letter Tray', detail: '1.00 Units x $ 4.80', price: 4.8 },
];
const TAX_RATE = 0.21;
const PAID_CASH = 20;

const money = (n) => `$ ${n.toFixed(2)}`;

/** Draws the receipt and returns what the POS sends: the JPEG's base64, without the data: prefix. */
export function sampleReceiptJpeg(orderNumber = 1, now = new Date()) {
  const total = LINES.reduce((sum, line) => sum + line.price, 0);
  const tax = total - total / (1 + TAX_RATE);
  const reference = `Order 00001-001-${String(orderNumber).padStart(4, '0')}`;
  // Each row: [left text, right text, font, center?]; null is a rule.
  const rows = [
    ['My Company (Demo shop)', '', 'bold 30px sans-serif', true],
    ['1 Market Street, Brussels', '', '20px sans-serif', true],
    ['Tel: +32 2 123 45 67', '', '20px sans-serif', true],
    ['Served by Mitchell Admin', '', '20px sans-serif', true],
    [reference, '', '20px sans-serif', true],
    null,
    ...LINES.flatMap((line) => [
      [line.name, money(line.price), 'bold 22px sans-serif'],
      [`   ${line.detail}`, '', '20px sans-serif'],
    ]),
    null,
    ['TOTAL', money(total), 'bold 30px sans-serif'],
    ['Cash', money(PAID_CASH), '22px sans-serif'],
    ['CHANGE', money(PAID_CASH - total), 'bold 24px sans-serif'],
    null,
    [`Taxes ${TAX_RATE * 100}% (included)`, money(tax), '20px sans-serif'],
    null,
    ['Thank you for your visit!', '', 'italic 22px sans-serif', true],
    [now.toLocaleString('en-GB'), '', '18px sans-serif', true],
  ];
  const rowHeight = (row) => (row === null ? 18 : Number(/(\d+)px/.exec(row[2])[1]) * 1.45);
  const height = Math.ceil(rows.reduce((sum, row) => sum + rowHeight(row), 0) + 2 * MARGIN);
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = height;
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, WIDTH, height);
  g.fillStyle = '#000';
  g.textBaseline = 'middle';
  let y = MARGIN;
  for (const row of rows) {
    const h = rowHeight(row);
    if (row === null) {
      g.fillRect(MARGIN, y + h / 2 - 1, WIDTH - 2 * MARGIN, 2);
    } else {
      const [left, right, font, center] = row;
      g.font = font;
      g.textAlign = center ? 'center' : 'left';
      g.fillText(left, center ? WIDTH / 2 : MARGIN, y + h / 2);
      if (right) {
        g.textAlign = 'right';
        g.fillText(right, WIDTH - MARGIN, y + h / 2);
      }
    }
    y += h;
  }
  // toDataURL's default JPEG quality, as the POS's receipt renderer uses it.
  return canvas.toDataURL('image/jpeg').split(',')[1];
}
