"""Stories: one event as the outlets followed it. `grouping` says which articles tell one story
(chained in time, meaning and rare words), `articles` loads a story's articles for the timeline,
the outlet comparison and a link sent to the bot, `citations` numbers an answer's sources one per
story."""
