import type { Location } from '../../../shared/api';
import { Screen } from '../components/Screen';

interface LocationScreenProps {
  locations: Location[];
  onChoose(location: Location): void;
}

/** Shown only to users who work at more than one of the practice's locations. */
export function LocationScreen({ locations, onChoose }: LocationScreenProps) {
  return (
    <Screen title="Choose your practice location" focusHeading>
      <ul className="locations">
        {locations.map((location) => (
          <li key={location.id}>
            <button type="button" onClick={() => onChoose(location)}>
              {location.name}
            </button>
          </li>
        ))}
      </ul>
    </Screen>
  );
}
