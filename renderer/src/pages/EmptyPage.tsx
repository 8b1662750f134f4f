import { Paper, Typography } from '@mui/material';

/** A page with nothing to show yet says so, and what to do next. */
export function EmptyPage({ title, message }: { title: string; message: string }) {
  return (
    <>
      <Typography variant="h5" component="h1" gutterBottom>
        {title}
      </Typography>
      <Paper variant="outlined" sx={{ p: 3 }}>
        <Typography color="text.secondary">{message}</Typography>
      </Paper>
    </>
  );
}
