namespace tgsim { int placeholder = 0; }
