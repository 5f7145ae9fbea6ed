from procedure_backend.cli import main

raise SystemExit(main())
