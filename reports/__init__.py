"""Reports: render a scan report (a plain dict following ``chujing.report/1``) for machines and people."""
