// The customer journey's steps, in order: the storefront records them, metrics and dashboards label
// by them, and the journey load scenario tags its requests with them. Plain data (k6 imports it).
export const JOURNEY_STEPS = [
  'health',
  'ml_recommendations',
  'browse_pets',
  'pet_details',
  'create_order',
  'process_payment',
  'schedule_delivery',
  'track_order',
] as const;
export type JourneyStep = (typeof JOURNEY_STEPS)[number];
