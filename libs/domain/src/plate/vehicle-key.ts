import { isPlateColorCode, type PlateColorCode } from './plate-color';
import { normalizePlate } from './plate';

/**
 * A vehicle is (plateColorCode, plate) (§4.1); its key `"<code>:<plate>"` (e.g. `1:浙E12345`) is the
 * Kafka key of weighing.events.v1 and credit.listing-events.v1 and the Redis cache key suffix.
 * The plate is normalised here too, so a raw plate never produces a second key for the same vehicle.
 */
export function vehicleKey(plateColor: PlateColorCode, plate: string): string {
  return `${plateColor}:${normalizePlate(plate)}`;
}

export interface VehicleIdentity {
  plateColor: PlateColorCode;
  plate: string;
}

/** Inverse of `vehicleKey`; undefined when the key is not `<known code>:<non-empty plate>`. */
export function parseVehicleKey(key: string): VehicleIdentity | undefined {
  const match = /^(\d{1,2}):(.+)$/su.exec(key);
  if (!match) return undefined;
  const plateColor = Number(match[1]);
  if (!isPlateColorCode(plateColor)) return undefined;
  return { plateColor, plate: match[2] };
}
