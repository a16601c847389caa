import type { Prng } from '../prng.ts';
import type { Attraction } from '../world/entities.ts';
import { VENUE_PATTERNS } from '../world/reference-data.ts';
import type { BuiltEvent, JsonPayload } from './types.ts';

/** attraction_created / attraction_updated (family attraction). */

export function attractionCreated(rng: Prng, attraction: Attraction): BuiltEvent {
  return { eventName: 'attraction_created', payload: snapshot(rng, attraction) };
}

/** Changes the attraction in place (capacity, name or venue) and returns its new snapshot. */
export function attractionUpdated(rng: Prng, attraction: Attraction): BuiltEvent {
  switch (rng.pick(['capacity', 'capacity', 'name', 'venue'])) {
    case 'capacity':
      attraction.capacity = Math.max(0, attraction.capacity + rng.int(-40, 40) * 25);
      break;
    case 'name':
      attraction.name = attraction.name.endsWith(' (renovated)') ? attraction.name.replace(' (renovated)', '') : `${attraction.name} (renovated)`;
      break;
    case 'venue':
      attraction.venue = rng.pick(VENUE_PATTERNS).replace('{city}', attraction.city);
      break;
  }
  return { eventName: 'attraction_updated', payload: snapshot(rng, attraction) };
}

function snapshot(rng: Prng, attraction: Attraction): JsonPayload {
  const payload: JsonPayload = { attraction_id: attraction.id, name: attraction.name, category: attraction.category };
  if (rng.chance(0.9)) payload.venue = attraction.venue;
  payload.city = attraction.city;
  payload.country = attraction.country;
  if (rng.chance(0.95)) payload.capacity = attraction.capacity;
  return payload;
}
