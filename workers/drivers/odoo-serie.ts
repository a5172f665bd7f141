/**
 * Which Odoo serie the paired database runs: 18.0 reads device values from `value`, 19.0 from
 * `result` (odoo-iot.md §7). The IoT link sets it when it learns the database version; a device
 * setting `odooSerie` (18 or 19) overrides it for one device.
 */
export type OdooSerie = 18 | 19;

export const DEFAULT_ODOO_SERIE: OdooSerie = 19;

let current: OdooSerie = DEFAULT_ODOO_SERIE;

export function setOdooSerie(serie: number): void {
  current = serie < 19 ? 18 : 19;
}

export function odooSerie(deviceSettings?: Record<string, unknown>): OdooSerie {
  const own = deviceSettings?.odooSerie;
  if (own === 18 || own === 19 || own === '18' || own === '19') return Number(own) as OdooSerie;
  return current;
}
