"""The app's widgets: charts, the control panel, the heatmap, small multiples, neurons, painting."""
