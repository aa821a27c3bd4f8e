/**
 * The emergency detector's vocabulary as data: weighted cues per category. A cue of weight 1 is
 * enough on its own ("fainted", "fire alarm"); weaker cues must add up ("yelling" + "won't leave" +
 * "scared"), so a word that also has everyday meanings ("water", "leak", "locked") never fires alone.
 * Word forms are matched typo-tolerantly (text.ts `typoMatch`), so "braek in" and "chest panis" count.
 */

export const EMERGENCY_CATEGORIES = ['medical', 'fire', 'flood', 'trapped', 'threat', 'gas', 'unspecified'] as const;
export type EmergencyCategory = (typeof EMERGENCY_CATEGORIES)[number];

export type Forms = readonly string[];

export type CuePattern =
  /** Any one of the forms. */
  | { readonly kind: 'word'; readonly forms: Forms }
  /** Each part in order, each at most `gap` tokens after the previous one. */
  | { readonly kind: 'seq'; readonly parts: readonly Forms[]; readonly gap: number }
  /** A form of `a` and a form of `b` within `window` tokens, in either order. */
  | { readonly kind: 'near'; readonly a: Forms; readonly b: Forms; readonly window: number };

export interface Cue {
  readonly category: EmergencyCategory;
  readonly label: string;
  readonly weight: number;
  readonly pattern: CuePattern;
  /** Words used as figures of speech ("we're on fire", "a smoke show"): discounted near golf talk or "lol". */
  readonly figurative?: boolean;
  /** Tokens that, right after the match, make it an idiom: "dying to play", "fire away". */
  readonly idiomNext?: Forms;
  /** Tokens that, right before the match, make it an idiom or a noun use: "we're on fire", "a break in the net". */
  readonly idiomPrev?: Forms;
  /** Words that, near this cue only, mark it as play or praise ("flames off the tee", "smoking hot round"). */
  readonly figurativeNear?: Forms;
  /** Tokens right after the match that make it praise: "smoking it", "burning it up". */
  readonly figurativeNext?: Forms;
  /**
   * Words near the match that keep it literal whatever the talk or jokes around it: a thing that burns or a sign
   * of a real fire ("the projector is on fire tonight", "smoke coming out of the screen lol").
   */
  readonly literalNear?: Forms;
  /** The cue counts only if one of these words is somewhere in the text (a person for "not responding"). */
  readonly needs?: Forms;
  /** The cue does not count if one of these words is in the text ("the trackman is not responding"). */
  readonly unlessAny?: Forms;
}

const word = (category: EmergencyCategory, weight: number, forms: Forms, extra: Partial<Cue> = {}): Cue => ({
  category,
  label: forms[0]!,
  weight,
  pattern: { kind: 'word', forms },
  ...extra,
});
const seq = (category: EmergencyCategory, weight: number, parts: readonly Forms[], gap = 1, extra: Partial<Cue> = {}): Cue => ({
  category,
  label: parts.map((p) => p[0]).join(' '),
  weight,
  pattern: { kind: 'seq', parts, gap },
  ...extra,
});
const near = (category: EmergencyCategory, weight: number, a: Forms, b: Forms, window: number, extra: Partial<Cue> = {}): Cue => ({
  category,
  label: `${a[0]}~${b[0]}`,
  weight,
  pattern: { kind: 'near', a, b, window },
  ...extra,
});

/** People, so that "collapsed" or "not responding" is about a person and not the net or the PC. */
export const PERSON: Forms = [
  'someone', 'somebody', 'friend', 'buddy', 'dad', 'father', 'mom', 'mother', 'son', 'daughter', 'kid', 'kids', 'child',
  'wife', 'husband', 'guy', 'girl', 'boy', 'man', 'woman', 'person', 'brother', 'sister', 'he', 'she', 'hes', 'shes',
  'him', 'her', 'player', 'partner', 'guest', 'lady', 'uncle', 'aunt', 'grandpa', 'grandma', 'coworker', 'bro', 'i', 'im',
];
/** Third persons only: "I'm not moving to bay 2" is not a casualty. */
const OTHER_PERSON: Forms = PERSON.filter((p) => p !== 'i' && p !== 'im');
/** Machines also "stop responding"; then it is a device fault, not a casualty. */
const MACHINE: Forms = [
  'trackman', 'pc', 'computer', 'screen', 'projector', 'tv', 'software', 'app', 'system', 'sim', 'simulator', 'mouse',
  'keyboard', 'keypad', 'website', 'site', 'game', 'program', 'touchscreen', 'monitor', 'email', 'emails', 'texts', 'support',
];
const PRONOUN_SUBJECTS: Forms = ['we', 'were', 'im', 'i', 'hes', 'shes', 'youre', 'theyre', 'he', 'she', 'you', 'they'];
const BODY: Forms = ['head', 'face', 'eye', 'nose', 'mouth', 'teeth', 'tooth', 'jaw', 'temple', 'neck'];
const BONE: Forms = ['arm', 'leg', 'wrist', 'ankle', 'nose', 'bone', 'finger', 'hand', 'rib', 'ribs', 'jaw', 'collarbone', 'foot'];
const CANT: Forms = ['cant', 'cannot', 'unable', 'couldnt', 'not'];
const SMELL: Forms = ['smell', 'smells', 'smelling', 'smelled', 'smelt', 'odor', 'odour', 'stink', 'stinks', 'reeks', 'whiff', 'fumes'];
const BLOCKED: Forms = ['locked', 'blocked', 'jammed', 'stuck', 'chained', 'wont', 'jam'];

/**
 * Fire words are golf praise as often as danger ("flames off the tee", "my putter is on fire", "smoking hot
 * round"). These words near one make it about the game; golf talk (GOLF_TALK) counts too.
 */
const FIRE_PRAISE: Forms = [
  'tee', 'tees', 'round', 'rounds', 'game', 'games', 'iron', 'irons', 'wedge', 'wedges', 'putter', 'putters', 'putting',
  'hole', 'holes', 'green', 'greens', 'golf', 'ball', 'balls', 'hitting', 'course', 'range', 'hot', 'today', 'lately',
  'everyone', 'everybody',
];
/** After "smoking"/"smoke", an object means beating or striking something: "smoking it", "smoking the ball". */
const FIRE_PRAISE_NEXT: Forms = ['it', 'the', 'them', 'em', 'everyone', 'everybody', 'him', 'her', 'us', 'me', 'you', 'drives', 'balls', 'shots', 'hot'];
/**
 * What makes a fire word literal even amid golf talk or jokes: a thing in a venue that can burn, or a sign of a
 * real fire (seen, smelt, spreading, an alarm). Matched typo-tolerantly, so the detector still errs towards flagging.
 */
const FIRE_LITERAL: Forms = [
  'projector', 'projectors', 'pc', 'computer', 'screen', 'screens', 'tv', 'monitor', 'trackman', 'sim', 'simulator',
  'unit', 'machine', 'outlet', 'outlets', 'plug', 'socket', 'cord', 'cords', 'cable', 'cables', 'wire', 'wires',
  'wiring', 'charger', 'battery', 'batteries', 'panel', 'breaker', 'heater', 'fan', 'vent', 'light', 'lights', 'lamp',
  'ceiling', 'wall', 'walls', 'roof', 'floor', 'carpet', 'mat', 'net', 'curtain', 'couch', 'kitchen', 'bathroom',
  'washroom', 'toilet', 'room', 'building', 'lobby', 'hallway', 'door', 'trash', 'garbage', 'bin', 'car', 'parking',
  'bay', 'bays', 'speaker', 'speakers', 'keypad', 'printer', 'microwave', 'electrical', 'electric',
  'coming', 'pouring', 'billowing', 'filling', 'filled', 'spreading', 'everywhere', 'behind', 'see', 'seeing', 'saw',
  'alarm', 'alarms', 'extinguisher', 'evacuate', 'evacuating', 'evacuated', '911', 'here', 'theres', 'actual', 'real',
  ...SMELL,
];
const FIRE_FIGURE: Partial<Cue> = { figurative: true, figurativeNear: FIRE_PRAISE, literalNear: FIRE_LITERAL };

export const CUES: readonly Cue[] = [
  // medical
  word('medical', 1, ['blood', 'bleeding', 'bleed', 'bleeds', 'bled', 'bloodied']),
  word('medical', 1, ['fainted', 'fainting', 'unconscious', 'seizure', 'seizures', 'seizing', 'convulsing', 'concussion']),
  word('medical', 1, ['ambulance', 'paramedic', 'paramedics', 'cpr', 'defibrillator', 'epipen', 'overdose', 'overdosed']),
  word('medical', 1, ['injured', 'injury', 'injuries', 'wounded']),
  word('medical', 1, ['choking'], { figurative: true }),
  word('medical', 0.5, ['faint', 'dizzy', 'vomiting', 'puking', 'allergic', 'medical']),
  word('medical', 0.4, ['slipped', 'fell', 'tripped', 'fallen']),
  seq('medical', 1, [['passed', 'passing', 'pass'], ['out']]),
  seq('medical', 1, [['heart'], ['attack']]),
  seq('medical', 1, [['having'], ['a'], ['stroke']]),
  seq('medical', 1, [['knocked'], ['out']]),
  seq('medical', 0.7, [CANT, ['get'], ['up']]),
  near('medical', 1, ['chest'], ['pain', 'pains', 'hurts', 'tight', 'tightness'], 3),
  near('medical', 1, ['breathe', 'breathing', 'breath'], ['cant', 'cannot', 'not', 'stopped', 'trouble', 'hard', 'difficulty', 'struggling', 'short', 'isnt'], 3),
  near('medical', 1, ['collapsed', 'collapse', 'unresponsive'], OTHER_PERSON, 4, { unlessAny: MACHINE }),
  seq('medical', 1, [['not', 'isnt', 'stopped', 'wont', 'cant', 'barely'], ['responding', 'moving', 'breathing', 'waking', 'wake', 'respond', 'responsive']], 2, {
    needs: OTHER_PERSON,
    unlessAny: MACHINE,
  }),
  near('medical', 1, ['hit', 'struck', 'smacked', 'hitting'], BODY, 4),
  seq('medical', 1, [['hit', 'struck', 'smacked'], ['by', 'with'], ['a', 'the', 'his', 'her', 'my'], ['club', 'ball', 'driver', 'iron', 'golf', 'putter', 'wedge']], 1),
  near('medical', 1, ['broken', 'broke', 'fractured', 'dislocated', 'sprained'], BONE, 3),
  near('medical', 0.6, ['hurt', 'hurts', 'bleeding'], [...OTHER_PERSON, 'me'], 3),
  word('medical', 0.5, ['hurt']),
  seq('medical', 1, [['hurt', 'injured'], ['badly', 'bad', 'seriously', 'really']]),
  seq('medical', 1, [['badly', 'seriously'], ['hurt', 'injured']]),
  word('medical', 1, ['dying'], { figurative: true, idiomNext: ['to', 'laughing', 'of', 'for', 'here', 'lol'] }),
  // fire
  seq('fire', 1, [['fire', 'smoke', 'co'], ['alarm', 'alarms', 'detector', 'detectors']]),
  seq('fire', 1, [['on'], ['fire']], 1, { ...FIRE_FIGURE, idiomPrev: PRONOUN_SUBJECTS }),
  seq('fire', 1, [['caught', 'catching', 'catch'], ['fire']]),
  seq('fire', 1, [['fire'], ['department', 'extinguisher', 'truck', 'fighters', 'brigade']]),
  word('fire', 1, ['fire', 'fires'], {
    ...FIRE_FIGURE,
    // "that drive was fire", "fire away", "is there a fire exit" are not fires.
    // "on fire" is its own cue, which knows "we're on fire" from "the projector is on fire".
    idiomPrev: ['on', 'was', 'thats', 'so', 'pure', 'straight', 'absolute', 'lowkey', 'kinda', 'looks', 'sounds', 'be', 'open', 'cease'],
    idiomNext: ['away', 'up', 'it', 'emoji_fire', 'playlist', 'music', 'song', 'tunes', 'exit', 'exits', 'escape', 'code', 'marshal', 'drill', 'pit', 'hydrant', 'door', 'doors', 'safety', 'rating', 'sale'],
  }),
  word('fire', 1, ['flames', 'flame', 'ablaze', 'blaze'], FIRE_FIGURE),
  word('fire', 1, ['smoke', 'smoking', 'smoky', 'smokey'], {
    ...FIRE_FIGURE,
    figurativeNext: FIRE_PRAISE_NEXT,
    // "can we smoke", "is smoking allowed", "a smoke show" ask about policy or praise a shot.
    idiomNext: ['show', 'break', 'free', 'allowed', 'area', 'section', 'policy', 'weed', 'a', 'cigarettes', 'cigars'],
    idiomPrev: ['no', 'non', 'can', 'we', 'to', 'allowed', 'you', 'i', 'go'],
  }),
  word('fire', 1, ['burning', 'scorched'], { ...FIRE_FIGURE, figurativeNext: ['it', 'up', 'the', 'everyone', 'everybody', 'them'] }),
  near('fire', 1, ['burnt', 'burned', 'burn', 'electrical', 'plastic'], SMELL, 3),
  word('fire', 1, ['sparks', 'sparking', 'sparked', 'spark']),
  word('fire', 0.5, ['melting', 'melted', 'explosion', 'exploded'], FIRE_FIGURE),
  // flood
  word('flood', 1, ['flood', 'flooding', 'flooded', 'floods']),
  seq('flood', 1, [['standing'], ['water']]),
  near('flood', 0.8, ['burst', 'broken', 'busted', 'bursting', 'cracked'], ['pipe', 'pipes', 'main'], 3),
  near('flood', 0.6, ['water'], ['everywhere', 'floor', 'hallway', 'ceiling', 'inches', 'ankle', 'carpet', 'rising', 'wall', 'walls'], 4, {
    unlessAny: ['spilled', 'spill', 'spilt', 'drink', 'bottle', 'cup', 'glass', 'fridge', 'fountain', 'bottles'],
  }),
  word('flood', 0.4, ['water', 'sewage', 'sewer']),
  word('flood', 0.6, ['pouring', 'gushing', 'spraying', 'streaming', 'cascading']),
  word('flood', 0.5, ['leak', 'leaking', 'leaks', 'leaky']),
  word('flood', 0.4, ['overflowing', 'overflow', 'overflowed']),
  word('flood', 0.3, ['ceiling', 'pipe', 'pipes', 'everywhere', 'soaked', 'puddle']),
  seq('flood', 0.3, [['all'], ['over']]),
  // trapped
  word('trapped', 1, ['trapped'], { figurative: true }),
  seq('trapped', 1, [['locked', 'stuck', 'shut'], ['in', 'inside']], 1, { idiomNext: ['place', 'for', 'until', 'traffic', 'booking', 'price', 'rate', 'now'] }),
  seq('trapped', 1, [['stuck', 'locked'], ['in'], ['here', 'there', 'the', 'bathroom', 'washroom']]),
  seq('trapped', 1, [CANT, ['get', 'go', 'getting'], ['out']], 1),
  seq('trapped', 1, [['let'], ['us', 'me', 'them'], ['out']]),
  seq('trapped', 1, [['open', 'opening', 'unlock', 'unlocking', 'budge', 'opens'], ['from'], ['inside']], 2),
  seq('trapped', 1, [['open', 'unlock'], ['to', 'so', 'and'], ['leave', 'exit']], 1),
  near('trapped', 1, ['exit', 'exits'], BLOCKED, 4),
  seq('trapped', 0.6, [CANT, ['leave']]),
  // threat
  word('threat', 1, ['threatening', 'threatened', 'threaten', 'threats', 'threat']),
  word('threat', 1, ['burglar', 'burglars', 'burglary', 'intruder', 'intruders', 'robbed', 'robbery', 'robbing', 'mugged', 'mugging', 'hostage']),
  seq('threat', 1, [['break', 'breaking', 'broke', 'breakin'], ['in', 'into']], 1, { idiomPrev: ['a', 'the', 'small', 'tiny'], idiomNext: ['net', 'screen', 'half', 'two', 'pieces'] }),
  seq('threat', 1, [['broken', 'forced'], ['into']]),
  word('threat', 1, ['gun', 'guns', 'knife', 'knives', 'weapon', 'weapons', 'armed', 'pistol', 'machete'], {
    unlessAny: ['cake', 'pizza', 'food', 'bread', 'radar', 'speed', 'glue', 'nerf', 'utility', 'butter', 'cut', 'sell', 'rent'],
  }),
  word('threat', 1, ['attacked', 'attacking', 'assaulted', 'stabbed', 'stabbing', 'punched', 'beaten', 'shooting'], {
    figurative: true,
    idiomNext: ['in', 'the', 'a', 'some', 'range', 'practice'],
  }),
  seq('threat', 1, [['beat', 'beating', 'beaten'], ['up']]),
  word('threat', 0.7, ['fighting', 'fight', 'kill', 'killed', 'assault'], { figurative: true, idiomNext: ['it', 'time', 'the', 'for', 'over'] }),
  word('threat', 0.6, ['scared', 'afraid', 'terrified', 'frightened', 'unsafe', 'danger', 'dangerous', 'police', 'cops'], { figurative: true }),
  word('threat', 0.3, ['yelling', 'screaming', 'shouting', 'aggressive', 'drunk', 'harassing', 'hostile', 'menacing', 'violent', 'suspicious']),
  seq('threat', 0.3, [['wont', 'refuses', 'refusing', 'not'], ['to'], ['leave']], 1),
  seq('threat', 0.3, [['wont', 'refuses', 'refusing'], ['leave']]),
  // gas
  near('gas', 1, ['gas', 'propane', 'methane', 'sulfur', 'sulphur'], [...SMELL, 'leak', 'leaking'], 4),
  seq('gas', 1, [['carbon'], ['monoxide']]),
  seq('gas', 1, [['rotten'], ['egg', 'eggs']]),
  // no category named, but the customer says it is one
  word('unspecified', 1, ['emergency', 'emergancy', '911', 'sos', 'mayday'], { idiomNext: ['exit', 'exits', 'number', 'contact', 'line', 'lights', 'light', 'procedures', 'plan'] }),
];

/** Words that turn a following cue off: "no one is hurt", "not bleeding", "no smoke". */
export const NEGATORS: Forms = ['no', 'not', 'nobody', 'noone', 'never', 'without', 'isnt', 'arent', 'wasnt', 'werent', 'dont', 'doesnt', 'didnt', 'nothing', 'false', 'hasnt', 'havent'];

/** Markers that the whole message is joking: figurative cues are then discounted. */
export const JOKE_MARKERS: Forms = ['lol', 'lmao', 'lmfao', 'haha', 'hahaha', 'hahah', 'hehe', 'jk', 'rofl', 'emoji_laugh', 'emoji_fire', 'kidding', 'joking', 'lolol'];

/** Golf-performance talk: "fire", "smoke", "trapped", "killing" near these are about the game. */
export const GOLF_TALK: Forms = [
  'drive', 'drives', 'driver', 'shot', 'shots', 'putt', 'putts', 'slice', 'swing', 'swings', 'carry', 'bunker',
  'fairway', 'birdie', 'birdies', 'eagle', 'par', 'bogey', 'score', 'yards', 'tonight', 'streak', 'shanked', 'sand',
];

/** Words that add urgency to a real cue but never make an emergency on their own. */
export const URGENCY: Forms = ['help', 'hurry', 'urgent', 'urgently', 'asap', 'quick', 'quickly', 'immediately', 'now', 'please'];

/**
 * Everyday words one slip away from a cue ("thread"/"threat", "turning"/"burning", "tripped"/"trapped"):
 * a token spelled exactly like one of these, or like any cue form, is taken as written, never as a typo.
 */
export const KNOWN_WORDS: ReadonlySet<string> = new Set([
  ...CUES.flatMap((c) =>
    c.pattern.kind === 'word' ? c.pattern.forms : c.pattern.kind === 'seq' ? c.pattern.parts.flat() : [...c.pattern.a, ...c.pattern.b],
  ),
  'thread', 'threads', 'turning', 'painted', 'tainted', 'breed', 'bread', 'treat', 'treats', 'floor', 'floors', 'float',
  'smoked', 'smoker', 'sparkle', 'sparkling', 'beat', 'heat', 'heater', 'later', 'waiter', 'spilled', 'blond', 'blonde',
  'bleep', 'fainter', 'wounds', 'sound', 'sounds', 'found', 'round', 'bunker', 'trapper', 'tapped', 'tipped', 'ripped',
  'dripping', 'dropped', 'scarred', 'scare', 'stoke', 'stroked', 'flames', 'frames', 'blames', 'lead', 'bloom', 'brood',
  'leaf', 'lean', 'leap', 'gassy', 'gasp', 'fighter', 'night', 'right', 'light', 'might', 'eight', 'fright', 'sight',
  'fired', 'firing', 'fore', 'four', 'pouting', 'sprayed', 'stabbing', 'stable', 'trashed', 'crashed', 'crushed',
  'fries', 'cooking', 'cooked', 'cookin', 'foods', 'food', 'bleeping', 'bleeped', 'floors', 'fried', 'friend', 'friends',
  'ceilings', 'sealing', 'leaning', 'leading', 'pleading', 'breeding', 'bleating', 'heading', 'beeping', 'sleeping',
]);
