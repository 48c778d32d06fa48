// The product catalog: every pet and supply the store sells, defined once. Inventory seeds its stock
// (and owns prices from then on), the storefront lists pets, the ML advisor scores them and load
// scripts draw carts from them. Plain data: k6 imports it too.

export const PET_CATEGORIES = ['dog', 'cat', 'small_animal', 'reptile', 'bird', 'fish'] as const;
export const LEVELS = ['low', 'medium', 'high'] as const;
/** Ordered by space: a home further right also suits every pet that needs less. */
export const LIVING_SITUATIONS = ['apartment', 'house', 'house_with_yard', 'farm'] as const;
/** Ordered by skill. */
export const EXPERIENCES = ['beginner', 'intermediate', 'expert'] as const;
export const SPECIAL_TRAITS = ['hypoallergenic', 'good_with_children', 'low_maintenance', 'quiet'] as const;

export type PetCategory = (typeof PET_CATEGORIES)[number];
export type Level = (typeof LEVELS)[number];
export type LivingSituation = (typeof LIVING_SITUATIONS)[number];
export type Experience = (typeof EXPERIENCES)[number];
export type SpecialTrait = (typeof SPECIAL_TRAITS)[number];

export interface Pet {
  readonly id: string;
  readonly name: string;
  readonly category: PetCategory;
  readonly breed: string;
  readonly ageMonths: number;
  readonly price: number;
  readonly activityLevel: Level;
  readonly livingSituation: LivingSituation;
  readonly experience: Experience;
  /** Care effort 0..1 (1 = demanding). */
  readonly careLevel: number;
  readonly traits: readonly SpecialTrait[];
  readonly description: string;
  readonly initialStock: number;
}

export interface Supply {
  readonly sku: string;
  readonly name: string;
  readonly forCategories: readonly PetCategory[];
  readonly price: number;
  readonly initialStock: number;
}

// The first five are the petstore document's seed pets, with its numbers.
export const PETS: readonly Pet[] = [
  { id: 'golden-retriever-001', name: 'Buddy', category: 'dog', breed: 'Golden Retriever', ageMonths: 8, price: 1200, activityLevel: 'high', livingSituation: 'house_with_yard', experience: 'intermediate', careLevel: 0.6, traits: ['good_with_children'], description: 'Friendly, energetic and eager to please; loves fetch and long walks.', initialStock: 200 },
  { id: 'persian-cat-002', name: 'Princess', category: 'cat', breed: 'Persian', ageMonths: 14, price: 800, activityLevel: 'low', livingSituation: 'apartment', experience: 'beginner', careLevel: 0.8, traits: ['quiet'], description: 'Calm lap cat with a long coat that needs daily brushing.', initialStock: 200 },
  { id: 'rabbit-fluffy-003', name: 'Fluffy', category: 'small_animal', breed: 'Holland Lop', ageMonths: 5, price: 150, activityLevel: 'medium', livingSituation: 'apartment', experience: 'beginner', careLevel: 0.3, traits: ['quiet', 'good_with_children'], description: 'Gentle lop-eared rabbit, happy in a large indoor pen.', initialStock: 200 },
  { id: 'bearded-dragon-004', name: 'Spike', category: 'reptile', breed: 'Bearded Dragon', ageMonths: 10, price: 300, activityLevel: 'low', livingSituation: 'apartment', experience: 'intermediate', careLevel: 0.7, traits: ['quiet', 'hypoallergenic'], description: 'Docile lizard; needs a heated terrarium with UV lighting.', initialStock: 200 },
  { id: 'canary-sunny-005', name: 'Sunny', category: 'bird', breed: 'Canary', ageMonths: 6, price: 75, activityLevel: 'medium', livingSituation: 'apartment', experience: 'beginner', careLevel: 0.4, traits: ['low_maintenance'], description: 'Cheerful singer, content in a roomy cage.', initialStock: 200 },
  { id: 'labrador-max-006', name: 'Max', category: 'dog', breed: 'Labrador Retriever', ageMonths: 10, price: 950, activityLevel: 'high', livingSituation: 'house_with_yard', experience: 'beginner', careLevel: 0.5, traits: ['good_with_children'], description: 'Patient family dog that learns quickly.', initialStock: 200 },
  { id: 'beagle-daisy-007', name: 'Daisy', category: 'dog', breed: 'Beagle', ageMonths: 7, price: 700, activityLevel: 'high', livingSituation: 'house', experience: 'beginner', careLevel: 0.5, traits: ['good_with_children'], description: 'Curious nose-first explorer; needs daily exercise.', initialStock: 200 },
  { id: 'border-collie-scout-008', name: 'Scout', category: 'dog', breed: 'Border Collie', ageMonths: 12, price: 1100, activityLevel: 'high', livingSituation: 'farm', experience: 'expert', careLevel: 0.7, traits: [], description: 'Brilliant working dog that needs a job and lots of space.', initialStock: 200 },
  { id: 'poodle-coco-009', name: 'Coco', category: 'dog', breed: 'Miniature Poodle', ageMonths: 9, price: 1400, activityLevel: 'medium', livingSituation: 'apartment', experience: 'beginner', careLevel: 0.6, traits: ['hypoallergenic', 'good_with_children'], description: 'Clever, low-shedding companion suited to flats.', initialStock: 200 },
  { id: 'siamese-luna-010', name: 'Luna', category: 'cat', breed: 'Siamese', ageMonths: 11, price: 600, activityLevel: 'medium', livingSituation: 'apartment', experience: 'beginner', careLevel: 0.4, traits: [], description: 'Talkative and affectionate; likes company.', initialStock: 200 },
  { id: 'maine-coon-oliver-011', name: 'Oliver', category: 'cat', breed: 'Maine Coon', ageMonths: 16, price: 1500, activityLevel: 'medium', livingSituation: 'house', experience: 'intermediate', careLevel: 0.6, traits: ['good_with_children'], description: 'Gentle giant with a shaggy coat.', initialStock: 200 },
  { id: 'sphynx-nova-012', name: 'Nova', category: 'cat', breed: 'Sphynx', ageMonths: 13, price: 1900, activityLevel: 'high', livingSituation: 'apartment', experience: 'intermediate', careLevel: 0.8, traits: ['hypoallergenic'], description: 'Hairless, warm and playful; needs weekly baths.', initialStock: 200 },
  { id: 'hamster-nibbles-013', name: 'Nibbles', category: 'small_animal', breed: 'Syrian Hamster', ageMonths: 3, price: 25, activityLevel: 'low', livingSituation: 'apartment', experience: 'beginner', careLevel: 0.2, traits: ['low_maintenance', 'quiet'], description: 'Nocturnal pocket pet for small spaces.', initialStock: 200 },
  { id: 'guinea-pig-pepper-014', name: 'Pepper', category: 'small_animal', breed: 'Abyssinian Guinea Pig', ageMonths: 4, price: 40, activityLevel: 'medium', livingSituation: 'apartment', experience: 'beginner', careLevel: 0.3, traits: ['good_with_children'], description: 'Sociable squeaker; happiest with a companion.', initialStock: 200 },
  { id: 'ball-python-monty-015', name: 'Monty', category: 'reptile', breed: 'Ball Python', ageMonths: 18, price: 250, activityLevel: 'low', livingSituation: 'apartment', experience: 'intermediate', careLevel: 0.5, traits: ['quiet', 'hypoallergenic', 'low_maintenance'], description: 'Calm constrictor that eats once a week.', initialStock: 200 },
  { id: 'leopard-gecko-ziggy-016', name: 'Ziggy', category: 'reptile', breed: 'Leopard Gecko', ageMonths: 8, price: 90, activityLevel: 'low', livingSituation: 'apartment', experience: 'beginner', careLevel: 0.4, traits: ['quiet', 'hypoallergenic'], description: 'Hardy starter reptile with a permanent smile.', initialStock: 200 },
  { id: 'parrot-kiwi-017', name: 'Kiwi', category: 'bird', breed: 'African Grey Parrot', ageMonths: 24, price: 1800, activityLevel: 'high', livingSituation: 'house', experience: 'expert', careLevel: 0.9, traits: [], description: 'Highly intelligent talker; a decades-long commitment.', initialStock: 200 },
  { id: 'cockatiel-sky-018', name: 'Sky', category: 'bird', breed: 'Cockatiel', ageMonths: 9, price: 180, activityLevel: 'medium', livingSituation: 'apartment', experience: 'beginner', careLevel: 0.5, traits: ['good_with_children'], description: 'Whistling crested companion that bonds with its people.', initialStock: 200 },
  { id: 'goldfish-bubbles-019', name: 'Bubbles', category: 'fish', breed: 'Fancy Goldfish', ageMonths: 6, price: 12, activityLevel: 'low', livingSituation: 'apartment', experience: 'beginner', careLevel: 0.3, traits: ['quiet', 'hypoallergenic', 'low_maintenance'], description: 'Graceful fantail for a filtered aquarium.', initialStock: 500 },
  { id: 'betta-blaze-020', name: 'Blaze', category: 'fish', breed: 'Betta', ageMonths: 5, price: 18, activityLevel: 'low', livingSituation: 'apartment', experience: 'beginner', careLevel: 0.2, traits: ['quiet', 'hypoallergenic', 'low_maintenance'], description: 'Vivid fighting fish; lives alone in a heated tank.', initialStock: 500 },
];

export const SUPPLIES: readonly Supply[] = [
  { sku: 'SUP-CHEW-TOY-001', name: 'Rubber chew toy', forCategories: ['dog'], price: 5.49, initialStock: 5000 },
  { sku: 'SUP-FISH-FLAKES-002', name: 'Tropical fish flakes 100 g', forCategories: ['fish'], price: 7.99, initialStock: 5000 },
  { sku: 'SUP-HAY-003', name: 'Timothy hay 2 kg', forCategories: ['small_animal'], price: 12.99, initialStock: 5000 },
  { sku: 'SUP-CAT-LITTER-004', name: 'Clumping cat litter 10 kg', forCategories: ['cat'], price: 19.99, initialStock: 5000 },
  { sku: 'SUP-LEASH-005', name: 'Reflective leash', forCategories: ['dog'], price: 24.99, initialStock: 5000 },
  { sku: 'SUP-UV-LAMP-006', name: 'UVB reptile lamp', forCategories: ['reptile'], price: 34.99, initialStock: 5000 },
  { sku: 'SUP-DOG-FOOD-007', name: 'Premium dog food 12 kg', forCategories: ['dog'], price: 59.99, initialStock: 5000 },
  { sku: 'SUP-SCRATCH-TREE-008', name: 'Cat scratching tree', forCategories: ['cat'], price: 89.99, initialStock: 5000 },
  { sku: 'SUP-ORTHO-BED-009', name: 'Orthopedic pet bed', forCategories: ['dog', 'cat'], price: 119.99, initialStock: 5000 },
  { sku: 'SUP-GPS-COLLAR-010', name: 'GPS tracking collar', forCategories: ['dog', 'cat'], price: 149.99, initialStock: 5000 },
  { sku: 'SUP-BIRD-CAGE-011', name: 'Flight cage for small birds', forCategories: ['bird'], price: 189.99, initialStock: 5000 },
  { sku: 'SUP-SMART-FEEDER-012', name: 'Smart automatic feeder', forCategories: ['dog', 'cat'], price: 229.99, initialStock: 5000 },
  { sku: 'SUP-AQUARIUM-013', name: '120 L aquarium kit', forCategories: ['fish'], price: 249.99, initialStock: 5000 },
  { sku: 'SUP-TERRARIUM-014', name: 'Heated glass terrarium', forCategories: ['reptile'], price: 399.99, initialStock: 5000 },
  { sku: 'SUP-AVIARY-015', name: 'Deluxe outdoor aviary', forCategories: ['bird'], price: 2000, initialStock: 5000 },
];

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly price: number;
  readonly initialStock: number;
  readonly kind: 'pet' | 'supply';
}

/** Every sellable SKU: a pet's id is its SKU. */
export const PRODUCTS: readonly Product[] = [
  ...PETS.map((p) => ({ sku: p.id, name: p.name, price: p.price, initialStock: p.initialStock, kind: 'pet' as const })),
  ...SUPPLIES.map((s) => ({ sku: s.sku, name: s.name, price: s.price, initialStock: s.initialStock, kind: 'supply' as const })),
];

/** The SKUs of every sellable product: the enum of each API field that names a product. */
export const PRODUCT_SKUS: readonly string[] = PRODUCTS.map((p) => p.sku);
/** The ids of every pet: the enum of each API field that names a pet. */
export const PET_IDS: readonly string[] = PETS.map((p) => p.id);
