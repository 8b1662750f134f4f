import { GridIntensitySchema, type GridIntensity } from '../../contract/apiGrid';
import type { Db } from '../store/database';
import { deleteSetting, readSetting, writeSetting } from './appSettingsStore';

/** The grid intensity the user entered in Settings (app_settings), or null: no CO₂e is shown without one. */
const GRID_INTENSITY_KEY = 'grid.intensity';

export function readGridIntensity(db: Db): GridIntensity | null {
  return readSetting(db, GRID_INTENSITY_KEY, GridIntensitySchema);
}

export function writeGridIntensity(db: Db, intensity: GridIntensity | null): GridIntensity | null {
  if (intensity === null) deleteSetting(db, GRID_INTENSITY_KEY);
  else writeSetting(db, GRID_INTENSITY_KEY, GridIntensitySchema.parse(intensity));
  return readGridIntensity(db);
}
