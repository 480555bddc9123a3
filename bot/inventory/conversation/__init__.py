"""The Hazardous Materials Inventory conversation, whatever the channel: the user describes a material in a
sentence, the assistant fills what the chemical library knows, asks one question at a time for what is still
missing, shows a summary card, and saves it through `bot.inventory.service` on "Save". At any point the user may
list, remove or change saved materials, change or cancel the one being entered, ask what a question means, or
ask to upload a spreadsheet.

One module per concern, each importing only those above it in this list:
- `state`: what is kept between replies (typed; `to_slot` / `from_slot` at the channel's edge);
- `asking`: which field comes next and how it is asked or explained;
- `amounts`, `answering`: reading the answer to the field being asked;
- `starting`: a new material from a sentence ("did you mean ...?" when the name is not exact);
- `card`: the summary card;
- `saved`: listing, removing and changing saved materials;
- `awaited`: the questions asked outside a material's fields and their replies;
- `engine`: `prompt`, `handle`, `is_finished` (what `bot.inventory.dialogue` exposes to the channels).
"""
