"""kodial studio: a Korean no-code console over a running assistant service.

The studio is the service of :mod:`kodial.serve` (same app, same API keys) with a console under
``/studio``: edit the assistant in forms and save it as the YAML ``kodial serve`` reads
(:mod:`~kodial.studio.project`), train and evaluate its classifier (:mod:`~kodial.studio.training`),
try it, review real conversations and relabel them (:mod:`~kodial.studio.review`), deploy into
the running server without dropping sessions (:mod:`~kodial.studio.runs`), and train chat models
for its small talk (:mod:`~kodial.studio.chat_models`).
"""
