"""The live chat: the websocket runtime (``consumers``, ``routing``) and the customer's chat
pages (``views``). docs/protocol.md."""
