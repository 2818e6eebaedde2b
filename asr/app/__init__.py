"""The application: audio to intent in one object, the microphone loop, the reminder store and
its actions, chimes, and the Wyoming server."""
