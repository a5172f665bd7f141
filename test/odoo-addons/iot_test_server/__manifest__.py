{
    'name': 'IoT server routes for the hub tests',
    'summary': "Plays the IoT app's server side (not public) on a real Odoo 19 for browser-iot-hub's tests",
    'description': """
A stand-in for the box-facing part of Odoo's IoT app, built from the wire facts in
shared/protocol/odoo-iot.md, never shipped: /iot/setup (pairing token, box and device records,
the IoT bus channel), /iot/box/send_websocket and /iot/box/webrtc_answer (rebroadcast on the
bus), and iot.channel.send_message for what the POS sends. See docs/real-odoo-tests.md for what
it does and does not prove.
""",
    'version': '19.0.1.0.0',
    'depends': ['bus', 'web'],
    'data': ['security/ir.model.access.csv'],
    'license': 'LGPL-3',
    'installable': True,
}
