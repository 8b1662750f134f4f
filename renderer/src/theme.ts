import { createTheme } from '@mui/material/styles';

/**
 * Okabe–Ito palette: distinguishable with the common forms of colour blindness; used for series in charts.
 */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

export function buildTheme(mode: 'light' | 'dark') {
  return createTheme({
    palette: {
      mode,
      primary: { main: mode === 'light' ? '#0072B2' : '#56B4E9' },
      secondary: { main: '#E69F00' },
      success: { main: '#009E73' },
      error: { main: '#D55E00' },
    },
    shape: { borderRadius: 8 },
  });
}
