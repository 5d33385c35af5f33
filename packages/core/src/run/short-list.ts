// Lists a run keeps for as long as it runs (its step records, its journal) are short in most runs.
// A push into a list makes room for sixteen more entries, which every run in flight would hold in
// each such list; while a list is short, `appended` copies it to its exact size instead.
const SHORT = 16;

/** `list` with `entry` added: a copy of the exact size while the list is short, the same list pushed to after. */
export function appended<Entry>(list: Entry[], entry: Entry): Entry[] {
  if (list.length >= SHORT) {
    list.push(entry);
    return list;
  }
  return list.concat([entry]);
}
