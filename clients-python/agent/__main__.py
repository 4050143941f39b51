from agent.control import main

main()
