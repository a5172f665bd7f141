import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError

# What the tests set (ir.config_parameter) to let one box register: the token of the connection
# string, consumed by the first registration that uses it.
PAIRING_TOKEN_KEY = 'iot_test_server.pairing_token'
CHANNEL_KEY = 'iot_test_server.channel'
# odoo-iot.md §3: the server keeps only devices of these types and connections.
DEVICE_TYPES = {'printer', 'camera', 'keyboard', 'scanner', 'device', 'payment', 'scale', 'display', 'fiscal_data_module', 'unsupported'}
CONNECTIONS = {'network', 'direct', 'bluetooth', 'serial', 'hdmi'}


class IotBox(models.Model):
    _name = 'iot.box'
    _description = 'IoT box (test stand-in)'

    name = fields.Char(required=True)
    identifier = fields.Char(required=True, index=True)
    ip = fields.Char()
    mac = fields.Char()
    version = fields.Char()
    device_ids = fields.One2many('iot.device', 'iot_id')

    _identifier_unique = models.Constraint('unique(identifier)', 'One box per identifier.')

    def _sync_devices(self, devices):
        """The devices of one /iot/setup call; those it no longer lists are disconnected."""
        self.ensure_one()
        kept = {
            identifier: description for identifier, description in devices.items()
            if isinstance(description, dict) and description.get('type') in DEVICE_TYPES and description.get('connection') in CONNECTIONS
        }
        known = {device.identifier: device for device in self.device_ids}
        for identifier, description in kept.items():
            values = {
                'name': description.get('name') or identifier,
                'type': description['type'],
                'manufacturer': description.get('manufacturer') or '',
                'connection': description['connection'],
                'subtype': description.get('subtype') or '',
                'connected': True,
            }
            if identifier in known:
                known[identifier].write(values)
            else:
                self.env['iot.device'].create({**values, 'identifier': identifier, 'iot_id': self.id})
        self.device_ids.filtered(lambda d: d.identifier not in kept).write({'connected': False})


class IotDevice(models.Model):
    _name = 'iot.device'
    _description = 'IoT device (test stand-in)'

    iot_id = fields.Many2one('iot.box', required=True, ondelete='cascade')
    identifier = fields.Char(required=True, index=True)
    name = fields.Char(required=True)
    type = fields.Char()
    manufacturer = fields.Char()
    connection = fields.Char()
    subtype = fields.Char()
    connected = fields.Boolean()


class IotChannel(models.AbstractModel):
    _name = 'iot.channel'
    _description = 'The IoT bus channel of the database (test stand-in)'

    @api.model
    def get_iot_channel(self):
        params = self.env['ir.config_parameter'].sudo()
        channel = params.get_param(CHANNEL_KEY)
        if not channel:
            channel = 'iot_channel-' + secrets.token_hex(16)
            params.set_param(CHANNEL_KEY, channel)
        return channel

    @api.model
    def send_message(self, message, message_type='iot_action'):
        """What the POS calls to reach its boxes (odoo-iot.md §4.1); internal users only."""
        if not self.env.su and not self.env.user._is_internal():
            raise AccessError(self.env._('Only internal users may talk to IoT boxes.'))
        self.env['bus.bus']._sendone(self.get_iot_channel(), message_type, message)
