-- Daily census from gold.mart_census_daily, summed over units: encounters in house at midnight and during the day,
-- admissions, discharges. Filters: from/to on census_date, unit. The condition filter does not apply (the mart has
-- no diagnosis) and is ignored.
SELECT c.census_date AS day,
       sum(c.in_house_midnight)::integer AS in_house_midnight,
       sum(c.in_house_during_day)::integer AS in_house_during_day,
       sum(c.admissions)::integer AS admissions,
       sum(c.discharges)::integer AS discharges
FROM gold.mart_census_daily c
WHERE (@from IS NULL OR c.census_date >= @from)
  AND (@to IS NULL OR c.census_date <= @to)
  AND (@unit IS NULL OR c.unit = @unit)
GROUP BY c.census_date
ORDER BY c.census_date;
