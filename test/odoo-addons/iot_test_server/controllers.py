from odoo import http
from odoo.http import request

from .models import PAIRING_TOKEN_KEY


def _box(identifier):
    if not isinstance(identifier, str) or not identifier:
        return request.env['iot.box']
    return request.env['iot.box'].sudo().search([('identifier', '=', identifier)], limit=1)


class IotTestServer(http.Controller):
    """The box-facing routes (odoo-iot.md §3, §5, §6). A refused call answers nothing."""

    @http.route('/iot/setup', type='jsonrpc', auth='public')
    def setup(self, iot_box, devices=None, **kwargs):
        box = _box(iot_box.get('identifier'))
        if not box:
            params = request.env['ir.config_parameter'].sudo()
            expected = params.get_param(PAIRING_TOKEN_KEY)
            if not expected or iot_box.get('token') != expected:
                return None
            params.set_param(PAIRING_TOKEN_KEY, False)
            box = request.env['iot.box'].sudo().create({'identifier': iot_box['identifier'], 'name': iot_box.get('name') or 'Virtual IoT Box'})
        box.write({'ip': iot_box.get('ip') or '', 'mac': iot_box.get('mac') or '', 'version': iot_box.get('version') or ''})
        box._sync_devices(devices if isinstance(devices, dict) else {})
        return request.env['iot.channel'].sudo().get_iot_channel()

    @http.route('/iot/box/send_websocket', type='jsonrpc', auth='public')
    def send_websocket(self, **params):
        """A result or event of a known box and device goes to the POS as operation_confirmation."""
        box = _box(params.get('iot_box_identifier'))
        device = params.get('device_identifier')
        if not box or 'status' not in params:
            return
        if device != box.identifier and device not in box.device_ids.mapped('identifier'):
            return
        request.env['iot.channel'].sudo().send_message({
            'session_id': params.get('session_id'),
            'iot_box_identifier': box.identifier,
            'device_identifier': device,
            'message': {'status': params['status'], 'result': params.get('result'), 'action_args': params.get('action_args')},
        }, 'operation_confirmation')

    @http.route('/iot/box/webrtc_answer', type='jsonrpc', auth='public')
    def webrtc_answer(self, iot_box_identifier=None, answer=None, **kwargs):
        if _box(iot_box_identifier) and isinstance(answer, dict):
            request.env['iot.channel'].sudo().send_message({'iot_box_identifier': iot_box_identifier, 'answer': answer}, 'webrtc_answer')
