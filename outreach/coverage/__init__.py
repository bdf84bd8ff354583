"""Coverage: where speakers of a language are many and materials in it are few.

- `need`: LEP speakers per language and area, and boundaries, read from `data/`;
- `inputs`: the SQL reads behind coverage and the planner;
- `gaps`: coverage, fair share, gaps and deserts (pure pandas);
- `view`: the coverage page's use case (inputs -> gaps -> map);
- `maps`, `markers`: folium builders (choropleth, directory map, compact clustered markers);
- `geojson_text`: the area shapes encoded to JSON once per process, not once per map;
- `allocation`: the allocation planner and its draft shipments;
- `planning`: the planner page's use case (free stock, what is promised, the plan for one language);
- `progress`: campaign progress for the dashboard.
"""
