import { createTheme } from '@mui/material/styles';

/**
 * Okabe–Ito palette: distinguishable with the common forms of colour blindness; used for series in charts.
 */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

export function buildTheme(mode: 'light' | 'dark') {
  const primary = mode === 'light' ? '#0072B2' : '#56B4E9';
  // One visible keyboard focus ring everywhere (MUI's default is a faint ripple): outside the control, except
  // where a container clips it (tabs, cards, table rows), there inside.
  const ring = { outline: `2px solid ${primary}`, outlineOffset: 2 };
  const insetRing = { outline: `2px solid ${primary}`, outlineOffset: -2 };
  return createTheme({
    palette: {
      mode,
      primary: { main: primary },
      secondary: { main: '#E69F00' },
      success: { main: '#009E73' },
      error: { main: '#D55E00' },
    },
    shape: { borderRadius: 8 },
    components: {
      MuiButtonBase: { styleOverrides: { root: { '&.Mui-focusVisible': ring } } },
      MuiTab: { styleOverrides: { root: { '&.Mui-focusVisible': insetRing } } },
      MuiCardActionArea: { styleOverrides: { root: { '&.Mui-focusVisible': insetRing } } },
      MuiListItemButton: { styleOverrides: { root: { '&.Mui-focusVisible': insetRing } } },
      MuiMenuItem: { styleOverrides: { root: { '&.Mui-focusVisible': insetRing } } },
      MuiAccordionSummary: { styleOverrides: { root: { '&.Mui-focusVisible': insetRing } } },
      MuiTableRow: { styleOverrides: { root: { '&:focus-visible': insetRing } } },
    },
  });
}
